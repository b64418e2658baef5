#!/usr/bin/env bash
# End-to-end tests of upppd (issue 4): two upppd processes back to back over
# a pty, each with its TUN in its own network namespace.
#
#   sudo UPPPD=build/normal/daemon/upppd tests/e2e/e2e.sh [CASE-PATTERN]
#
# Exits 77 (skipped) when not root or without netns/TUN support.
set -u
. "$(dirname "$0")/start.sh" "$@"

PASS='Pässwörd-€'

# --- the main matrix -------------------------------------------------------
# auth: v2 | v1 | pap | chap; bits 40|56|128|none; mode stateful|stateless.
link_case() {
    local auth=$1 bits=$2 mode=$3 killer=$4
    local c="link-$auth-$bits-$mode-$killer"
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    # MS-CHAPv1's 40/56-bit keys come from the LAN Manager hash, which
    # exists only for ASCII passwords (RFC 2433 A.2): those cases use one.
    local pw=$PASS
    [ "$auth" = v1 ] && [ "$bits" != 128 ] && pw="Ascii-Pass-1"
    e2e_secrets "$d/etc-a" client server "$pw"
    e2e_secrets "$d/etc-b" client server "$pw"
    local areq breq=""
    case $auth in
    v2) areq="require-mschap-v2" ;;
    v1) areq="require-mschap" ;;
    pap) areq="require-pap" ;;
    chap) areq="require-chap" ;;
    esac
    local ampe bmpe
    if [ "$bits" = none ]; then
        ampe="nomppe"
        bmpe="nomppe"
    else
        ampe="require-mppe-$bits"
        bmpe="require-mppe-$bits"
        if [ "$mode" = stateful ]; then
            ampe="$ampe mppe-stateful"
            bmpe="$bmpe request-mppe-stateful"
        fi
    fi
    e2e_start "$c" "debug name server $areq $ampe +ipv6 $IP_A:$IP_B" \
        "debug name client user client remotename server noauth $breq $bmpe +ipv6 noipdefault"
    if ! e2e_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
        e2e_wait_exit 1
        return
    fi
    local err=""
    # Negotiated mode, the same on both sides.
    if [ "$bits" != none ]; then
        local line="MPPE $bits-bit $mode compression enabled"
        grep -q "$line" "$d/a.log" || err="$err A-no-'$line'"
        grep -q "$line" "$d/b.log" || err="$err B-no-'$line'"
    fi
    # Ping both ways, small and MTU-sized (the TUN MTU is 1500 - 4 with MPPE).
    local mtu
    mtu=$(ip -n "$NS_A" -o link show ppp0 | sed -n 's/.*mtu \([0-9]*\).*/\1/p')
    local big=$((mtu - 28))
    ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 "$IP_B" >/dev/null || err="$err ping-A-B"
    ip netns exec "$NS_B" ping -c 3 -i 0.2 -W 2 "$IP_A" >/dev/null || err="$err ping-B-A"
    ip netns exec "$NS_A" ping -c 2 -s "$big" -M do -W 2 "$IP_B" >/dev/null || err="$err ping-mtu-$big"
    # IPv6 over the link-local addresses.
    local ll_b
    ll_b=$(ip -n "$NS_B" -6 -o addr show dev ppp0 scope link | sed -n 's/.*inet6 \(fe80[^/]*\).*/\1/p' | head -n 1)
    if [ -n "$ll_b" ]; then
        ip netns exec "$NS_A" ping -6 -c 2 -W 2 "$ll_b%ppp0" >/dev/null || err="$err ping6"
    else
        err="$err no-ipv6-ll"
    fi
    # 10 MB over TCP, hash checked on arrival.
    local src="$d/payload"
    head -c $((10 * 1024 * 1024)) /dev/urandom >"$src"
    ip netns exec "$NS_B" timeout 120 socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$d/recv",creat,trunc &
    local rpid=$!
    sleep 0.3
    local t0 t1
    t0=$(date +%s.%N)
    ip netns exec "$NS_A" timeout 120 socat -u OPEN:"$src" TCP:"$IP_B":5001,retry=20,interval=0.2 || err="$err tcp-send"
    wait "$rpid" || err="$err tcp-recv"
    t1=$(date +%s.%N)
    if ! cmp -s "$src" "$d/recv"; then
        err="$err tcp-hash"
    fi
    local rate
    rate=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", 10 / (b - a) }')
    # Clean shutdown from one side; exit codes on both.
    local ast bst
    if [ "$killer" = A ]; then
        kill -TERM "$A_PID"
        e2e_wait_exit 20
        ast=$?
        bst=$(e2e_b_exit "$c")
        [ "$ast" = 5 ] || err="$err A-exit-$ast"
        [ "$bst" = 16 ] || err="$err B-exit-$bst"
    else
        kill -TERM "$(head -n 1 "$d/run-b/ppp0.pid")"
        e2e_wait_exit 20
        ast=$?
        bst=$(e2e_b_exit "$c")
        [ "$ast" = 16 ] || err="$err A-exit-$ast"
        [ "$bst" = 5 ] || err="$err B-exit-$bst"
    fi
    if [ -z "$err" ]; then
        e2e_ok "$c (tcp ${rate} MB/s)"
    else
        e2e_fail "$c" "$err"
    fi
}

killer=A
for auth in v2 v1; do
    for bits in 40 56 128; do
        for mode in stateful stateless; do
            link_case $auth $bits $mode $killer
            killer=$([ $killer = A ] && echo B || echo A)
        done
    done
done
link_case pap none - A
link_case chap none - B

# --- a peer MRU above 1500 with MPPE (issue 8 item 5) ------------------------
# Both ask for MRU 2000: the TUN MTU is 1996 and a 1,900-octet IP packet with
# DF set must cross both ways, MPPE stateless and stateful.
# A (server) and B (client) with MS-CHAPv2 and MPPE-128, plus options for
# each; waits for the link (status 1 if it did not come up).
v2_link_up() {
    local c=$1 aopt=$2 bopt=$3
    e2e_secrets "$E2E_TMP/$c/etc-a" client server "$PASS"
    e2e_secrets "$E2E_TMP/$c/etc-b" client server "$PASS"
    e2e_start "$c" "name server require-mschap-v2 require-mppe-128 $aopt $IP_A:$IP_B" \
        "name client remotename server noauth require-mppe-128 $bopt noipdefault"
    e2e_wait_up "$c" 30
}

mru_case() {
    local mode=$1
    local c="link-mru2000-$mode"
    want "$c" || return 0
    local d="$E2E_TMP/$c" amode="" bmode="" err=""
    [ "$mode" = stateful ] && amode="mppe-stateful" && bmode="request-mppe-stateful"
    v2_link_up "$c" "mru 2000 $amode" "mru 2000 $bmode" || err="$err not-up"
    grep -q "MPPE 128-bit $mode compression enabled" "$d/a.log" || err="$err not-$mode"
    local ns mtu
    for ns in "$NS_A" "$NS_B"; do
        mtu=$(ip -n "$ns" -o link show ppp0 | sed -n 's/.*mtu \([0-9]*\).*/\1/p')
        [ "$mtu" = 1996 ] || err="$err mtu-$ns-$mtu"
    done
    # -s 1872: 1,900 octets with the IP and ICMP headers.
    ip netns exec "$NS_A" ping -c 2 -s 1872 -M "do" -W 2 "$IP_B" >/dev/null || err="$err ping-A-B-1900"
    ip netns exec "$NS_B" ping -c 2 -s 1872 -M "do" -W 2 "$IP_A" >/dev/null || err="$err ping-B-A-1900"
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    # No MPPC here: the summary does not claim it.
    grep -q "summary: .*mppc" "$d/a.log" && err="$err summary-claims-mppc"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
mru_case stateless
mru_case stateful

# --- MPPC under MPPE-128 (issue 13) -------------------------------------------
# Both ends ask for mppc: the log names MPPE and MPPC, pings cross both ways
# (MTU-sized too: MPPC adds nothing to MPPE's 4 octets), 3 MB of text
# crosses TCP intact, and the link carries fewer octets than the text.
mppc_case() {
    local mode=$1
    local c="link-mppc-$mode"
    want "$c" || return 0
    local d="$E2E_TMP/$c" amode="" bmode="" err=""
    [ "$mode" = stateful ] && amode="mppe-stateful" && bmode="request-mppe-stateful"
    v2_link_up "$c" "mppc $amode" "mppc $bmode" || err="$err not-up"
    local line="MPPE 128-bit $mode + MPPC compression enabled"
    grep -q "$line" "$d/a.log" || err="$err A-no-'$line'"
    grep -q "$line" "$d/b.log" || err="$err B-no-'$line'"
    local mtu
    mtu=$(ip -n "$NS_A" -o link show ppp0 | sed -n 's/.*mtu \([0-9]*\).*/\1/p')
    ip netns exec "$NS_A" ping -c 3 -i 0.2 -W 2 "$IP_B" >/dev/null || err="$err ping-A-B"
    ip netns exec "$NS_B" ping -c 3 -i 0.2 -W 2 "$IP_A" >/dev/null || err="$err ping-B-A"
    ip netns exec "$NS_A" ping -c 2 -s $((mtu - 28)) -M do -W 2 "$IP_B" >/dev/null ||
        err="$err ping-mtu-$mtu"
    local src="$d/payload" size
    # Sentences of common words (LZ77 finds their repeats; random base64
    # would not shrink: MPPC has no entropy coder).
    awk 'BEGIN { srand(13); n = split("the of and to in a is that for it as was with be by on " \
        "not he this are or his from at which but have an had they you were their one all " \
        "network packet link protocol session history buffer peer option request", w, " ");
        for (i = 0; i < 700000; i++) printf "%s%s", w[int(rand() * n) + 1], (i % 12 == 11) ? ".\n" : " " }' \
        >"$src"
    size=$(stat -c %s "$src")
    ip netns exec "$NS_B" timeout 120 socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$d/recv",creat,trunc &
    local rpid=$!
    sleep 0.3
    ip netns exec "$NS_A" timeout 120 socat -u OPEN:"$src" TCP:"$IP_B":5001,retry=20,interval=0.2 ||
        err="$err tcp-send"
    wait "$rpid" || err="$err tcp-recv"
    cmp -s "$src" "$d/recv" || err="$err tcp-hash"
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    # "Sent N bytes": A's link octets, TCP acks and pings included.
    local sent
    sent=$(sed -n 's/.*Sent \([0-9]*\) bytes.*/\1/p' "$d/a.log" | tail -n 1)
    if [ -z "$sent" ] || [ "$sent" -ge "$size" ]; then
        err="$err not-compressed-$sent-of-$size"
    fi
    # The summary says MPPC ran, after the words scripts already parse.
    grep -qE "summary: .*, mppe 128 $mode, exit [0-9]+ \(.*\), mppc\$" "$d/a.log" ||
        err="$err summary-without-mppc"
    if [ -z "$err" ]; then e2e_ok "$c ($size octets of text in $sent on the link)"; else e2e_fail "$c" "$err"; fi
}
mppc_case stateful
mppc_case stateless

# --- failures ----------------------------------------------------------------
# e2e_expect CASE "A opts" "B opts" A-EXIT B-EXIT "A log line" "B log line"
fail_case() {
    local c=$1 aopts=$2 bopts=$3 aexp=$4 bexp=$5 aline=$6 bline=$7
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" client server "right-password"
    e2e_secrets "$d/etc-b" client server "${B_SECRET:-right-password}"
    e2e_start "$c" "$aopts" "$bopts"
    e2e_wait_exit 60
    local ast=$? bst
    bst=$(e2e_b_exit "$c")
    local err=""
    [ "$ast" = "$aexp" ] || err="$err A-exit-$ast(want $aexp)"
    [ "$bst" = "$bexp" ] || err="$err B-exit-$bst(want $bexp)"
    grep -qF "$aline" "$d/a.log" || err="$err A-log-missing:'$aline'"
    grep -qF "$bline" "$d/b.log" || err="$err B-log-missing:'$bline'"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}

B_SECRET=wrong-password fail_case wrong-password \
    "name server require-mschap-v2 $IP_A:$IP_B" \
    "name client user client remotename server noauth noipdefault" \
    11 19 "Peer client failed" "authentication failed"
fail_case mppe-refused \
    "name server require-mschap-v2 require-mppe-128 $IP_A:$IP_B" \
    "name client user client remotename server noauth nomppe noipdefault" \
    10 16 "MPPE required but peer refused" "MPPE required but peer refused"

# --- last words --------------------------------------------------------------
# What upppd wrote last must reach a pty command that reads it only after
# upppd has given up and closed its side: Linux throws away a hung-up pty
# slave's unread input, which once cost pppd the Terminate-Ack it needed to
# exit 19 rather than 16 (interop a-v2-wrongpass). Here the command reads
# 1.5 s after upppd's single ConfReq, about 0.5 s after upppd gave up on it.
last_words_case() {
    local c=pty-last-words
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    mkdir -p "$d/etc"
    ip netns exec "$NS_A" env UPPPD_ETC="$d/etc" timeout 20 "$UPPPD" nodetach noauth logfd 2 \
        lcp-max-configure 1 lcp-restart 1 \
        pty "sleep 1.5; od -An -tx1 -v > '$d/got'" >"$d/a.log" 2>&1 </dev/null
    local st=$?
    [ "$st" = 10 ] || err="$err exit-$st(want 10)"
    # The ConfReq: protocol c0 21 after the flag and the address/control.
    tr -d ' \n' <"$d/got" | grep -q '^7eff7d23c0217d21' || err="$err confreq-lost"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
last_words_case

# Options and devices, without a link.
opt_case() {
    local c=$1 expect=$2 line=$3
    shift 3
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    mkdir -p "$d/etc"
    local out st
    out=$(UPPPD_ETC="$d/etc" "$UPPPD" nodetach logfd 2 "$@" 2>&1 </dev/null)
    st=$?
    if [ "$st" = "$expect" ] && grep -qF "$line" <<<"$out"; then
        e2e_ok "$c"
    else
        E2E_FAILED=$((E2E_FAILED + 1))
        echo "FAIL $c: exit $st (want $expect), output:"
        echo "$out" | tail -n 20
    fi
}
opt_case unknown-option 2 "unrecognized option 'xyz'" xyz
# A character device with no driver behind it (unassigned major 240).
mknod "$E2E_TMP/nodev" c 240 0
opt_case unreadable-device 7 "Failed to open" "$E2E_TMP/nodev" 115200 noauth
opt_case pty-command-fails 9 "pty command failed" noauth pty "/nonexistent/command"
opt_case secrets-missing 1 "couldn't find any suitable secret" auth require-mschap-v2 pty "cat"

# notty with a stdin epoll cannot watch (/dev/null, a regular file): exit 7
# at once with the reason, not an LCP timeout 30 s later.
notty_case() {
    local c=$1 input=$2
    want "$c" || return 0
    local out st t0 t1 err=""
    t0=$(date +%s)
    # stdout (the link's write side) is a pipe, which epoll can watch.
    ip netns exec "$NS_A" timeout 20 "$UPPPD" notty noauth nodetach logfd 2 \
        2>"$E2E_TMP/$c.err" <"$input" | cat >/dev/null
    st=${PIPESTATUS[0]}
    out=$(cat "$E2E_TMP/$c.err")
    t1=$(date +%s)
    [ "$st" = 7 ] || err="$err exit-$st(want 7)"
    [ $((t1 - t0)) -le 3 ] || err="$err took-$((t1 - t0))s"
    grep -qF "cannot be watched for input" <<<"$out" || err="$err no-message"
    e2e_result "$c" "$err" "$out"
}
notty_case notty-stdin-devnull /dev/null
echo "not a link" >"$E2E_TMP/regular-file"
notty_case notty-stdin-file "$E2E_TMP/regular-file"

# --- leak check: MPPE required, no IP payload in the clear ---------------------
leak_case() {
    local c=leak-check
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" client server "$PASS"
    e2e_secrets "$d/etc-b" client server "$PASS"
    # socat -x prints every byte crossing the link, in hex, to its stderr.
    e2e_start "$c" "debug name server require-mschap-v2 require-mppe-128 $IP_A:$IP_B" \
        "name client user client remotename server noauth require-mppe-128 noipdefault" \
        "socat -x - EXEC:'@CMD@' 2>$d/wire.hex"
    local err=""
    e2e_wait_up "$c" 30 || err="$err not-up"
    # The marker, as ping's 16-octet fill pattern.
    local marker=55505050442d4c45414b2d4d41524b21 # "UPPPD-LEAK-MARK!"
    ip netns exec "$NS_A" ping -c 5 -i 0.2 -p "$marker" -W 2 "$IP_B" >/dev/null || err="$err ping"
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    local hex
    hex=$(tr -d ' \n' <"$d/wire.hex" | tr 'A-F' 'a-f')
    [ -n "$hex" ] || err="$err no-capture"
    if grep -q "$marker" <<<"$hex"; then err="$err MARKER-IN-CLEAR"; fi
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
leak_case

# --- scripts, usepeerdns, SIGHUP under persist ---------------------------------
scripts_case() {
    local c=scripts-persist
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" client server "$PASS"
    e2e_secrets "$d/etc-b" client server "$PASS"
    # Every script records its arguments and pppd 2.4.9's documented
    # environment, one line per run, in scripts-SIDE.out.
    for side in a b; do
        for sc in ip-pre-up ip-up ip-down ipv6-up ipv6-down auth-up auth-down; do
            cat >"$d/etc-$side/$sc" <<EOS
#!/bin/sh
echo "\$(basename "\$0") n=\$# args=\$*|IFNAME=\$IFNAME DEVICE=\$DEVICE SPEED=\$SPEED IPLOCAL=\$IPLOCAL IPREMOTE=\$IPREMOTE LLLOCAL=\$LLLOCAL LLREMOTE=\$LLREMOTE PEERNAME=\$PEERNAME DNS1=\$DNS1 DNS2=\$DNS2 IPPARAM=\$IPPARAM PPPD_PID=\$PPPD_PID ORIG_UID=\$ORIG_UID PPPLOGNAME=\$PPPLOGNAME CONNECT_TIME=\$CONNECT_TIME BYTES_SENT=\$BYTES_SENT BYTES_RCVD=\$BYTES_RCVD" >>"$d/scripts-$side.out"
EOS
            chmod +x "$d/etc-$side/$sc"
        done
    done
    e2e_start "$c" "debug name server require-mschap-v2 require-mppe-128 ms-dns 192.0.2.53 ms-dns 192.0.2.54 ipparam demo-param persist holdoff 0 maxfail 3 +ipv6 $IP_A:$IP_B" \
        "debug name client remotename server noauth require-mppe-128 noipdefault usepeerdns +ipv6"
    local err=""
    e2e_wait_up "$c" 30 || err="$err not-up"
    sleep 0.5
    local out="$d/scripts-a.out" ll='fe80::[0-9a-f]*:[0-9a-f]*:[0-9a-f]*:[0-9a-f]*' tty='/dev/[^ ]*'
    local env4="IFNAME=ppp0 DEVICE=$tty SPEED=[0-9]* IPLOCAL=$IP_A IPREMOTE=$IP_B"
    local who="PEERNAME=client .*IPPARAM=demo-param PPPD_PID=[0-9][0-9]* ORIG_UID=0 PPPLOGNAME=[^ ]*"
    local stats="CONNECT_TIME=[0-9][0-9]* BYTES_SENT=[1-9][0-9]* BYTES_RCVD=[1-9][0-9]*"
    # script_expect NAME REGEX: a line of NAME in A's record matches REGEX.
    script_expect() {
        grep -q "^$1 $2" "$out" 2>/dev/null || err="$err A-$1"
    }
    script_expect ip-pre-up "n=6 args=ppp0 $tty [0-9]* $IP_A $IP_B demo-param|$env4 .*$who"
    script_expect ip-up "n=6 args=ppp0 $tty [0-9]* $IP_A $IP_B demo-param|$env4 .*$who"
    script_expect ipv6-up "n=6 args=ppp0 $tty [0-9]* $ll $ll demo-param|.* LLLOCAL=$ll LLREMOTE=$ll $who"
    # auth-up: pppd's "interface peer-name user-name tty speed", where
    # user-name is the user who ran pppd.
    script_expect auth-up "n=5 args=ppp0 client $(id -un) $tty [0-9]*|IFNAME=ppp0 .*$who"
    grep -q "DNS1=192.0.2.53 DNS2=192.0.2.54" "$d/scripts-b.out" 2>/dev/null || err="$err B-dns-env"
    grep -q "^auth-up" "$d/scripts-b.out" 2>/dev/null && err="$err B-auth-up-under-noauth"
    grep -q "nameserver 192.0.2.53" "$d/etc-b/resolv.conf" 2>/dev/null || err="$err B-resolv.conf"
    # SIGHUP: the link ends and, under persist, comes back.
    kill -HUP "$A_PID"
    local t=100
    while [ $t -gt 0 ] && [ "$(grep -c 'remote IP address' "$d/a.log")" -lt 2 ]; do
        sleep 0.2
        t=$((t - 1))
    done
    [ "$(grep -c 'remote IP address' "$d/a.log")" -ge 2 ] || err="$err no-reconnect"
    # The first link's down scripts, with the addresses that were in use.
    script_expect ip-down "n=6 args=ppp0 $tty [0-9]* $IP_A $IP_B demo-param|$env4 .*$who $stats"
    script_expect ipv6-down "n=6 args=ppp0 $tty [0-9]* $ll $ll demo-param|.* LLLOCAL=$ll LLREMOTE=$ll $who $stats"
    script_expect auth-down "n=5 args=ppp0 client $(id -un) $tty [0-9]*|IFNAME=ppp0 .*$who $stats"
    sleep 0.5
    ip netns exec "$NS_A" ping -c 2 -W 2 "$IP_B" >/dev/null || err="$err ping-after-reconnect"
    kill -TERM "$A_PID"
    e2e_wait_exit 20
    local st=$?
    [ "$st" = 5 ] || err="$err A-exit-$st"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
scripts_case

# --- SIGHUP without persist: exit 5 (EXIT_USER_REQUEST), as pppd ---------------
sighup_case() {
    local c=sighup-exit
    want "$c" || return 0
    local d="$E2E_TMP/$c"
    e2e_secrets "$d/etc-a" client server "$PASS"
    e2e_secrets "$d/etc-b" client server "$PASS"
    e2e_start "$c" "name server require-mschap-v2 $IP_A:$IP_B" \
        "name client remotename server noauth noipdefault"
    local err=""
    e2e_wait_up "$c" 30 || err="$err not-up"
    kill -HUP "$A_PID"
    e2e_wait_exit 20
    local st=$?
    [ "$st" = 5 ] || err="$err A-exit-$st(want 5)"
    grep -qF "Hangup (SIGHUP)" "$d/a.log" || err="$err A-no-hangup-line"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
sighup_case

# --- idle and maxconnect end the link with pppd's exit codes -----------------
timer_case() {
    local c=$1 opt=$2 expect=$3 line=$4
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    v2_link_up "$c" "$opt" "" || err="$err not-up"
    e2e_wait_exit 30
    local st=$?
    [ "$st" = "$expect" ] || err="$err A-exit-$st(want $expect)"
    grep -qF "$line" "$d/a.log" || err="$err A-log-missing:'$line'"
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
timer_case idle "idle 2" 12 "Terminating connection due to lack of activity."
timer_case maxconnect "maxconnect 3" 13 "Connect time expired"

e2e_summary
