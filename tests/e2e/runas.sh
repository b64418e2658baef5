#!/usr/bin/env bash
# runas USER (issue 14): B, the authenticator, opens its TUN as root, then
# runs as nobody with CAP_NET_ADMIN and CAP_NET_RAW only, while its root
# helper reads the 0600 secrets file and runs ip-up and ip-down as root.
# Checked on the running process (/proc/PID/status) and from the scripts'
# own output; the pid file is gone at the end. Also: an unknown user is a
# clear error (exit 1), a malformed name an option error (exit 2).
#
#   sudo tests/e2e/runas.sh build/normal/daemon/upppd [CASE-PATTERN]
#
# Exits 77 (skipped) when not root or without netns/TUN support.
set -u
. "$(dirname "$0")/start.sh" "$@"
id nobody >/dev/null 2>&1 || { echo "skipped: no user nobody"; exit 77; }

# The hex capability mask of CAP_NET_ADMIN (12) and CAP_NET_RAW (13).
CAPS_NET=0000000000003000

# runas_case NAME UNIT: with UNIT=1, B runs as the systemd unit would run
# it: inside its capability bounding set, with no_new_privs, its stderr a
# journal stream ($JOURNAL_STREAM naming it), and without MPPE (so the
# security notice shows, with its journal level).
runas_case() {
    local c=$1 unit=$2
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    e2e_secrets "$d/etc-a" client server "Runas-Pass-1"
    e2e_secrets "$d/etc-b" client server "Runas-Pass-1"
    chmod 700 "$d/etc-b"
    for s in ip-up ip-down; do
        printf '#!/bin/sh\necho "%s uid=$(id -u) args=$# ifname=$IFNAME local=$IPLOCAL logname=$PPPLOGNAME preload=${LD_PRELOAD:-none}" >>%s/scripts.out\n' \
            "$s" "$d" >"$d/etc-b/$s"
        chmod 755 "$d/etc-b/$s"
    done
    if [ "$unit" = 1 ]; then
        # B through a script: the bounding set must come after ip netns
        # exec, which needs CAP_SYS_ADMIN.
        mkdir -p "$d/run-a" "$d/run-b"
        cat >"$d/peer.sh" <<PEER
#!/bin/sh
exec 2>"$d/journal"
export JOURNAL_STREAM=\$(stat -c '%d:%i' "$d/journal")
exec env UPPPD_ETC=$d/etc-b UPPPD_RUNDIR=$d/run-b ip netns exec $NS_B \\
    setpriv --bounding-set -all,+net_admin,+net_raw,+setuid,+setgid --no-new-privs \\
    $UPPPD notty logfile $d/b.log debug name server require-mschap-v2 nomppe $IP_B:$IP_A runas nobody
PEER
        chmod +x "$d/peer.sh"
        UPPPD_ETC=$d/etc-a UPPPD_RUNDIR=$d/run-a ip netns exec "$NS_A" \
            "$UPPPD" nodetach logfile "$d/a.log" debug name client user client remotename server \
            noauth nomppe noipdefault pty "$d/peer.sh" 2>"$d/a.stderr" &
        A_PID=$!
    else
        e2e_start "$c" "debug name client user client remotename server noauth require-mppe-128 noipdefault" \
            "debug name server require-mschap-v2 require-mppe-128 $IP_B:$IP_A runas nobody"
    fi
    if ! e2e_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
        e2e_wait_exit 1
        return
    fi
    local bpid pidfile="$d/run-b/ppp0.pid"
    bpid=$(head -n 1 "$pidfile" 2>/dev/null)
    if [ -z "$bpid" ] || [ ! -r "/proc/$bpid/status" ]; then
        err="$err no-pid-file"
    else
        local st uid capeff capprm capinh helper
        st=$(cat "/proc/$bpid/status")
        uid=$(awk '/^Uid:/ {print $2 "," $3 "," $4 "," $5}' <<<"$st")
        capeff=$(awk '/^CapEff:/ {print $2}' <<<"$st")
        capprm=$(awk '/^CapPrm:/ {print $2}' <<<"$st")
        capinh=$(awk '/^CapInh:/ {print $2}' <<<"$st")
        echo "     upppd pid $bpid: uid $uid CapEff $capeff CapPrm $capprm CapInh $capinh"
        local nob
        nob=$(id -u nobody)
        [ "$uid" = "$nob,$nob,$nob,$nob" ] || err="$err uid-$uid"
        [ "$capeff" = "$CAPS_NET" ] || err="$err CapEff-$capeff"
        [ "$capprm" = "$CAPS_NET" ] || err="$err CapPrm-$capprm"
        [ "$capinh" = 0000000000000000 ] || err="$err CapInh-$capinh"
        # Its one child that is not a script: the helper, still root.
        helper=$(ps -o pid=,uid= --ppid "$bpid" | awk '$2 == 0 {print $1}' | head -n 1)
        [ -n "$helper" ] || err="$err no-root-helper"
    fi
    # The data path runs as nobody.
    ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 "$IP_B" >/dev/null || err="$err ping-A-B"
    ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 2 "$IP_A" >/dev/null || err="$err ping-B-A"
    grep -q "Running as nobody" "$d/b.log" || err="$err no-runas-line"
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    # B ends after A's Terminate-Request; its helper after ip-down.
    local t=50
    while [ $t -gt 0 ] && [ -n "$bpid" ] && kill -0 "$bpid" 2>/dev/null; do
        sleep 0.1
        t=$((t - 1))
    done
    sleep 0.3
    grep -q "^ip-up uid=0 args=6 ifname=ppp0 local=$IP_B logname=root preload=none" \
        "$d/scripts.out" 2>/dev/null || err="$err ip-up-not-root"
    grep -q "^ip-down uid=0 args=6 ifname=ppp0" "$d/scripts.out" 2>/dev/null ||
        err="$err ip-down-not-root"
    [ -e "$pidfile" ] && err="$err pid-file-left"
    if [ "$unit" = 1 ]; then
        # The journal stream: every line with its level, the notice among them.
        grep -q "^<5>Security: no MPPE: IP packets cross this link unencrypted" "$d/journal" ||
            err="$err no-journal-notice"
        grep -q "^<6>Running as nobody" "$d/journal" || err="$err no-journal-info"
        grep -v -q "^<[0-7]>" "$d/journal" && err="$err unprefixed-journal-line"
        # Only the capabilities the unit's bounding set has, the rest gone.
        grep -q "Security: no MPPE" "$d/b.log" || err="$err no-notice-in-logfile"
    else
        grep -q "Security:" "$d/b.log" && err="$err notice-with-mppe-128"
    fi
    if [ -n "$err" ]; then
        [ -f "$d/scripts.out" ] && cat "$d/scripts.out"
        e2e_fail "$c" "$err"
    else
        e2e_ok "$c"
    fi
}
runas_case runas-nobody 0
runas_case runas-unit-sandbox 1

# A user that does not exist: upppd says so and exits 1, before the link.
unknown_user_case() {
    local c=runas-unknown-user
    want "$c" || return 0
    local d="$E2E_TMP/$c" out st err=""
    mkdir -p "$d/etc" "$d/run"
    out=$(UPPPD_ETC=$d/etc UPPPD_RUNDIR=$d/run ip netns exec "$NS_A" "$UPPPD" notty noauth \
        nolog logfile "$d/log" runas no-such-user-upppd </dev/null 2>&1)
    st=$?
    [ "$st" = 1 ] || err="$err exit-$st(want 1)"
    grep -q "runas: no user named no-such-user-upppd" "$d/log" || err="$err no-message"
    out=$("$UPPPD" notty noauth runas 'bad/name' dryrun </dev/null 2>&1)
    st=$?
    [ "$st" = 2 ] || err="$err bad-name-exit-$st(want 2)"
    grep -q "runas: invalid user name" <<<"$out" || err="$err bad-name-message"
    e2e_result "$c" "$err" "$(cat "$d/log" 2>/dev/null) $out"
}
unknown_user_case

e2e_summary
