#!/usr/bin/env bash
# The systemd units as built (packaging/systemd, issue 14), without
# installing anything: `systemd-analyze verify` finds no error in them (an
# instance of the template, with ExecStart pointed at the built upppd),
# and `systemd-analyze security --offline` rates each under 4 (it prints
# exposure_<unit>=N). scripts/test-package.sh checks the installed ones.
#   tests/tools/test_units.sh UNIT-DIR path/to/upppd
. "$(dirname "$0")/lib.sh"
units=$1
upppd=$(readlink -f "$2")
command -v systemd-analyze >/dev/null || { echo "skipped: no systemd-analyze"; exit 77; }

for u in upppd@.service upppd-pptpd.service; do
    name=${u/@./@test.}
    # Both point at the built upppd: upppd-pptpd may not be built here.
    sed -E "s|^ExecStart=[^ ]*|ExecStart=$upppd|" "$units/$u" >"$tmp/$name"
    out=$(systemd-analyze verify --man=no "$tmp/$name" 2>&1)
    bad=$(grep -F "$name" <<<"$out")
    [ -z "$bad" ] || fail "verify $name: $bad"
    score=$(systemd-analyze security --offline=yes "$tmp/$name" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    echo "exposure_${u%.service}=${score:-none}"
    [ -n "$score" ] || fail "no exposure score for $name"
    [ -n "$score" ] && ! awk -v s="$score" 'BEGIN { exit !(s < 4.0) }' &&
        fail "$name exposure $score is not under 4"
    # What the sandbox must keep: the capabilities runas keeps, and TUN.
    grep -q '^CapabilityBoundingSet=.*CAP_NET_ADMIN' "$tmp/$name" || fail "$name: no CAP_NET_ADMIN"
    grep -q '^DeviceAllow=/dev/net/tun rw' "$tmp/$name" || fail "$name: no /dev/net/tun"
    grep -q '^NoNewPrivileges=yes' "$tmp/$name" || fail "$name: NoNewPrivileges"
    grep -q 'runas upppd' "$tmp/$name" || fail "$name: not runas upppd"
done
finish units
