#!/usr/bin/env bash
# CI entry for the interop suite: the cached qemu guests (setup-vm.sh), then
# every case of matrix.sh (issue 5: upppd against pppd on a serial line),
# then every case of pptp.sh (issue 10: upppd and upppd-pptpd against
# pptpd and pptp-linux on a bridge), one after the other (each keeps both
# cores busy). Builds build/normal first if a binary is missing. Needs root
# (network namespaces, TUN, taps) and network access on a cold cache (apt).
# Extra arguments go to matrix.sh (e.g. case patterns); PPTP_PATTERNS
# (space-separated globs) selects pptp.sh's cases. Exits 1 if either failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for b in daemon/upppd daemon/pptpd/upppd-pptpd tests/hdlc-relay; do
    if [[ ! -x $root/build/normal/$b ]]; then
        "$root/scripts/build.sh" normal || exit 1
        break
    fi
done
"$here/setup-vm.sh" || exit 1
rc=0
"$here/matrix.sh" "$@" || rc=1
# shellcheck disable=SC2086 # a word list of globs
"$here/pptp.sh" ${PPTP_PATTERNS:-} || rc=1
exit $rc
