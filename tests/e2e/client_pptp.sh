#!/usr/bin/env bash
# End-to-end tests of upppd's PPTP client (issue 10): `upppd pptp HOST` in
# one network namespace against upppd-pptpd in another, over a veth pair
# (RFC 2637: TCP 1723 and enhanced GRE through one raw socket each side).
#
#   sudo tests/e2e/client_pptp.sh build/normal/daemon/upppd [CASE-PATTERN]
#
# The server binary is $UPPPD_PPTPD, or pptpd/upppd-pptpd beside upppd.
# Exits 77 (skipped) when not root, without netns/TUN support, or without
# the server binary. Traffic stays in the two namespaces we create.
set -u
. "$(dirname "$0")/start.sh" "$@"

PPTPD=${UPPPD_PPTPD:-$(dirname "$UPPPD")/pptpd/upppd-pptpd}
if [ ! -x "$PPTPD" ]; then
    echo "skipped: no upppd-pptpd at $PPTPD"
    exit 77
fi
# NS_A: the server, 192.168.77.1 on the veth; NS_B: the client.
SRV=192.168.77.1
CLI=192.168.77.2
VA="upc-a-$E2E_ID"
VB="upc-b-$E2E_ID"
ip link add "$VA" type veth peer name "$VB" || { echo "skipped: no veth"; exit 77; }
ip link set "$VA" netns "$NS_A"
ip link set "$VB" netns "$NS_B"
ip -n "$NS_A" addr add "$SRV/24" dev "$VA"
ip -n "$NS_B" addr add "$CLI/24" dev "$VB"
ip -n "$NS_A" link set "$VA" up
ip -n "$NS_B" link set "$VB" up
S_PID=
C_PID=
TUN_SRV=10.99.0.1

pc_stop_all() {
    [ -n "$C_PID" ] && kill -KILL "$C_PID" 2>/dev/null
    [ -n "$S_PID" ] && kill -KILL "$S_PID" 2>/dev/null
    wait 2>/dev/null
    C_PID=
    S_PID=
}

# pc_server CASE "ppp options" [conf lines]: upppd-pptpd in NS_A, logs in
# $d/a.log, secrets alice/pptpd with password $PW (or $3's override).
pc_server() {
    local c=$1 popts=$2 extra=${3:-}
    local d="$E2E_TMP/$c"
    mkdir -p "$d/run-a" "$d/run-b"
    e2e_secrets "$d/etc-a" alice pptpd "${SRV_PW:-$PW}"
    e2e_secrets "$d/etc-b" alice pptpd "$PW"
    printf '%s\n' $popts >"$d/pptpd-options"
    printf 'option %s\nlocalip %s\nremoteip 10.99.0.2-40\n%s\n' "$d/pptpd-options" "$TUN_SRV" \
        "$extra" >"$d/pptpd.conf"
    UPPPD_ETC=$d/etc-a UPPPD_RUNDIR=$d/run-a ip netns exec "$NS_A" \
        "$PPTPD" -f -c "$d/pptpd.conf" -p "$d/run-a/pptpd.pid" >"$d/a.log" 2>&1 &
    S_PID=$!
    # Listening once the port answers (slow on a loaded host).
    local t=200
    while [ $t -gt 0 ] && ! ip netns exec "$NS_A" ss -ltn 2>/dev/null | grep -q ':1723 '; do
        sleep 0.1
        t=$((t - 1))
    done
}

# pc_client CASE "options": upppd pptp $SRV in NS_B (log $d/b.log); its
# exit status goes to $d/b.rc.
pc_client() {
    local c=$1 opts=$2
    local d="$E2E_TMP/$c"
    # shellcheck disable=SC2086
    (UPPPD_ETC=$d/etc-b UPPPD_RUNDIR=$d/run-b ip netns exec "$NS_B" \
        "$UPPPD" pptp "$SRV" nodetach debug name alice remotename pptpd logfile "$d/b.log" $opts \
        >"$d/b.stdout" 2>&1
        echo $? >"$d/b.rc") &
    C_PID=$!
}

pc_wait_up() {
    local d="$E2E_TMP/$1" t=$(( $2 * 10 ))
    while [ $t -gt 0 ]; do
        if grep -q "remote IP address" "$d/b.log" 2>/dev/null; then
            sleep 0.3
            return 0
        fi
        [ -f "$d/b.rc" ] && return 1
        sleep 0.1
        t=$((t - 1))
    done
    return 1
}

# pc_wait_exit CASE SECONDS: the client's exit status, 124 on timeout.
pc_wait_exit() {
    local d="$E2E_TMP/$1" t=$(( $2 * 10 ))
    while [ $t -gt 0 ] && [ ! -f "$d/b.rc" ]; do
        sleep 0.1
        t=$((t - 1))
    done
    [ -f "$d/b.rc" ] || return 124
    return "$(cat "$d/b.rc")"
}

# pc_transfer CASE BYTES: BYTES of TCP each way through the tunnel, hashes
# compared. Prints the errors.
pc_transfer() {
    local c=$1 n=$2 d="$E2E_TMP/$1" err=""
    local cli_tun
    cli_tun=$(ip -n "$NS_B" -4 addr show dev ppp0 | sed -n 's/.*inet \([0-9.]*\) .*/\1/p')
    head -c "$n" /dev/urandom >"$d/up.bin"
    head -c "$n" /dev/urandom >"$d/down.bin"
    ip netns exec "$NS_A" timeout 120 socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$d/up.recv",creat,trunc &
    local l1=$!
    ip netns exec "$NS_B" timeout 120 socat -u TCP-LISTEN:5002,reuseaddr OPEN:"$d/down.recv",creat,trunc &
    local l2=$!
    ip netns exec "$NS_B" timeout 120 socat -u OPEN:"$d/up.bin" TCP:"$TUN_SRV":5001,retry=20,interval=0.2 || err="$err tcp-up"
    ip netns exec "$NS_A" timeout 120 socat -u OPEN:"$d/down.bin" TCP:"$cli_tun":5002,retry=20,interval=0.2 || err="$err tcp-down"
    wait "$l1" "$l2"
    [ "$(sha256sum <"$d/up.bin")" = "$(sha256sum <"$d/up.recv" 2>/dev/null)" ] || err="$err up-hash"
    [ "$(sha256sum <"$d/down.bin")" = "$(sha256sum <"$d/down.recv" 2>/dev/null)" ] || err="$err down-hash"
    rm -f "$d/up.bin" "$d/down.bin" "$d/up.recv" "$d/down.recv"
    echo "$err"
}

PW='alice-Pässwort-1'

# --- links that come up: auth x MPPE, traffic both ways, client SIGTERM ----
link_case() {
    local c=$1 sopts=$2 copts=$3 mppe_line=$4 bytes=$5
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    pc_server "$c" "$sopts"
    pc_client "$c" "$copts"
    if ! pc_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up (client exit $(cat "$d/b.rc" 2>/dev/null))"
        pc_stop_all
        return
    fi
    grep -q "Outgoing call established" "$d/b.log" || err="$err no-call-line"
    grep -q "$mppe_line" "$d/b.log" || err="$err client-no-'$mppe_line'"
    grep -q "$mppe_line" "$d/a.log" || err="$err server-no-'$mppe_line'"
    ip netns exec "$NS_B" ping -c 2 -i 0.2 -W 2 "$TUN_SRV" >/dev/null || err="$err ping"
    # MTU-sized, DF: the TUN MTU is what LCP and MPPE left.
    local mtu
    mtu=$(ip -n "$NS_B" link show ppp0 | sed -n 's/.*mtu \([0-9]*\).*/\1/p')
    ip netns exec "$NS_B" ping -c 1 -W 2 -M do -s $((mtu - 28)) "$TUN_SRV" >/dev/null ||
        err="$err ping-mtu-$mtu"
    err="$err$(pc_transfer "$c" "$bytes")"
    # SIGTERM: LCP Terminate, then Call-Clear-Request, then
    # Stop-Control-Connection-Request, in that order; exit 5.
    kill -TERM "$(pgrep -f "logfile $d/b.log" | head -n 1)" 2>/dev/null
    pc_wait_exit "$c" 20
    local st=$?
    [ "$st" = 5 ] || err="$err exit-$st"
    local order
    order=$(grep -n -e 'sent \[LCP TermReq' -e 'pptp sent Call-Clear-Request' \
        -e 'pptp sent Stop-Control-Connection-Request' -e 'control connection closed' "$d/b.log" |
        cut -d: -f1 | tr '\n' ' ')
    # shellcheck disable=SC2086
    set -- $order
    if [ $# -ne 4 ] || [ "$1" -ge "$2" ] || [ "$2" -ge "$3" ] || [ "$3" -ge "$4" ]; then
        err="$err teardown-order($order)"
    fi
    # Set-Link-Info once, when LCP opened; none while tearing down.
    [ "$(grep -c 'pptp sent Set-Link-Info' "$d/b.log")" = 1 ] || err="$err set-link-info-count"
    ip -n "$NS_B" link show ppp0 >/dev/null 2>&1 && err="$err tun-left"
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}

MB=$((1024 * 1024))
link_case pptp-v2-128-stateless "name pptpd require-mschap-v2 require-mppe-128" \
    "require-mppe-128" "MPPE 128-bit stateless compression enabled" $((10 * MB))
link_case pptp-v2-128-stateful "name pptpd require-mschap-v2 require-mppe-128 mppe-stateful" \
    "require-mppe-128 request-mppe-stateful" "MPPE 128-bit stateful compression enabled" $((10 * MB))
# Frames over 1500 octets through MPPE (a past optimisation broke MPPE
# above 1500 unnoticed): with MTU 4000 both ways the TUN offloads hand
# upppd TCP super-packets it cuts into ~3950-octet segments, and the
# receiving side coalesces them again (GRE is fragmented on the veth).
link_case pptp-v2-128-mtu4000 "name pptpd require-mschap-v2 require-mppe-128 mtu 4000 mru 4000" \
    "require-mppe-128 mtu 4000 mru 4000" "MPPE 128-bit stateless compression enabled" $((4 * MB))
# Without the TUN offloads (a kernel that refuses them): plain reads and
# writes, one packet each.
UPPPD_TUN_OFFLOAD=0 link_case pptp-v2-128-no-offload "name pptpd require-mschap-v2 require-mppe-128" \
    "require-mppe-128" "MPPE 128-bit stateless compression enabled" $((2 * MB))
# MS-CHAPv1's 40-bit keys come from the LAN Manager hash, which exists only
# for ASCII passwords (RFC 2433 A.2).
PW=Ascii-Pass-1 link_case pptp-v1-40 "name pptpd require-mschap require-mppe-40" \
    "require-mppe-40" "MPPE 40-bit stateless compression enabled" $((1 * MB))

# --- stateful MPPE through loss, reordering and delay on the veth ----------
netem_case() {
    local c=pptp-netem-stateful
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    pc_server "$c" "name pptpd require-mschap-v2 require-mppe-128 mppe-stateful"
    pc_client "$c" "require-mppe-128 request-mppe-stateful"
    if ! pc_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
        pc_stop_all
        return
    fi
    for side in "$NS_A $VA" "$NS_B $VB"; do
        # shellcheck disable=SC2086
        set -- $side
        if ! tc -n "$1" qdisc add dev "$2" root netem delay 20ms loss 2% reorder 5% 50% 2>/dev/null; then
            echo "skip $c: this kernel has no sch_netem"
            pc_stop_all
            return
        fi
    done
    err="$err$(pc_transfer "$c" $((2 * MB)))"
    for side in "$NS_A $VA" "$NS_B $VB"; do
        # shellcheck disable=SC2086
        set -- $side
        tc -n "$1" qdisc del dev "$2" root 2>/dev/null
    done
    kill -TERM "$(pgrep -f "logfile $d/b.log" | head -n 1)" 2>/dev/null
    pc_wait_exit "$c" 20
    local st=$?
    [ "$st" = 5 ] || err="$err exit-$st"
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
netem_case

# --- the server ends it: SIGTERM to upppd-pptpd -> client hangs up, 16 -----
server_ends_case() {
    local c=pptp-server-ends
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    pc_server "$c" "name pptpd require-mschap-v2 require-mppe-128"
    pc_client "$c" "require-mppe-128"
    if ! pc_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
        pc_stop_all
        return
    fi
    kill -TERM "$S_PID"
    pc_wait_exit "$c" 20
    local st=$?
    [ "$st" = 16 ] || err="$err exit-$st"
    grep -q "Modem hangup\|Connection terminated" "$d/b.log" || err="$err no-hangup-line"
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
server_ends_case

# --- a wrong password: exit 19 (we failed to authenticate), call cleared ---
wrong_password_case() {
    local c=pptp-wrong-password
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    SRV_PW="not-$PW" pc_server "$c" "name pptpd require-mschap-v2 require-mppe-128"
    pc_client "$c" "require-mppe-128"
    pc_wait_exit "$c" 30
    local st=$?
    [ "$st" = 19 ] || err="$err exit-$st"
    # Either side may clear first (the server after its CHAP Failure).
    grep -q "pptp sent Call-Clear-Request\|pptp rcvd Call-Disconnect-Notify" "$d/b.log" ||
        err="$err no-clear"
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
wrong_password_case

# --- nobody listening: exit 8 at once; persist + maxfail gives up ----------
refused_case() {
    local c=pptp-refused
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    mkdir -p "$d/run-b"
    e2e_secrets "$d/etc-b" alice pptpd "$PW"
    pc_client "$c" "pptp-port 1724"
    pc_wait_exit "$c" 10
    local st=$?
    [ "$st" = 8 ] || err="$err exit-$st"
    grep -q "Connection refused" "$d/b.log" || err="$err no-refused-line"
    rm -f "$d/b.rc"
    pc_client "$c" "pptp-port 1724 persist maxfail 2 holdoff 0"
    pc_wait_exit "$c" 10
    st=$?
    [ "$st" = 8 ] || err="$err persist-exit-$st"
    grep -q "Maximum connect attempts (2) exceeded" "$d/b.log" || err="$err no-maxfail"
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
refused_case

# --- defaultroute: host route to the server through the old gateway --------
# The server's address 172.31.7.1 sits behind the gateway 192.168.77.1 (the
# server namespace routes itself); the client's default route moves onto
# ppp0, and the host route keeps the tunnel's own packets on the veth.
hostroute_case() {
    local c=pptp-hostroute
    want "$c" || return 0
    local d="$E2E_TMP/$c" err=""
    # A second server address and no `listen`: upppd-pptpd must send the
    # call's GRE from the address the client connected to (a PPTP client
    # takes GRE only from there), not from the route's source $SRV.
    ip -n "$NS_A" addr add 172.31.7.1/32 dev lo
    ip -n "$NS_B" route add default via "$SRV"
    pc_server "$c" "name pptpd require-mschap-v2 require-mppe-128"
    local save=$SRV
    SRV=172.31.7.1
    pc_client "$c" "require-mppe-128 defaultroute replacedefaultroute"
    SRV=$save
    if ! pc_wait_up "$c" 30; then
        e2e_fail "$c" "link did not come up"
    else
        ip -n "$NS_B" route get 172.31.7.1 | grep -q "via $SRV dev $VB" || err="$err no-hostroute"
        ip -n "$NS_B" route show default | grep -q "dev ppp0" || err="$err no-defaultroute"
        ip netns exec "$NS_B" ping -c 1 -W 2 "$TUN_SRV" >/dev/null || err="$err ping"
        ip netns exec "$NS_B" ping -c 20 -i 0.05 -W 2 -s 1000 "$TUN_SRV" >/dev/null ||
            err="$err ping-1000"
        kill -TERM "$(pgrep -f "logfile $d/b.log" | head -n 1)" 2>/dev/null
        pc_wait_exit "$c" 20
        local st=$?
        [ "$st" = 5 ] || err="$err exit-$st"
        ip -n "$NS_B" route show 172.31.7.1 | grep -q . && err="$err hostroute-left"
        if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
    fi
    pc_stop_all
    ip -n "$NS_A" addr del 172.31.7.1/32 dev lo 2>/dev/null
    ip -n "$NS_B" route del default 2>/dev/null
}
hostroute_case

# --- 20 upppd clients at once on one host, one server ----------------------
# Each client process has its own raw GRE socket, so each sees every call's
# GRE and must drop the others' (gre_sock's demux by source and Call ID).
many_case() {
    local c=pptp-20-clients n=20
    want "$c" || return 0
    local d="$E2E_TMP/$c" err="" pids="" i
    pc_server "$c" "name pptpd require-mschap-v2 require-mppe-128"
    for i in $(seq 1 $n); do
        mkdir -p "$d/c$i"
        # shellcheck disable=SC2086
        UPPPD_ETC=$d/etc-b UPPPD_RUNDIR=$d/c$i ip netns exec "$NS_B" \
            "$UPPPD" pptp "$SRV" nodetach name alice remotename pptpd require-mppe-128 \
            ifname "pc$i" logfile "$d/c$i/log" >/dev/null 2>&1 &
        pids="$pids $!"
    done
    local t=300 up=0
    while [ $t -gt 0 ]; do
        up=$(grep -l "remote IP address" "$d"/c*/log 2>/dev/null | wc -l)
        [ "$up" -ge $n ] && break
        sleep 0.1
        t=$((t - 1))
    done
    [ "$up" -eq $n ] || err="$err only-$up-up"
    # Each pings the server's end of its own link through its own pppN.
    local okp=0
    for i in $(seq 1 $n); do
        ip netns exec "$NS_B" ping -c 1 -W 3 -I "pc$i" "$TUN_SRV" >/dev/null 2>&1 && okp=$((okp + 1))
    done
    [ "$okp" -eq $n ] || err="$err only-$okp-pings"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    local st=0
    for p in $pids; do
        wait "$p" || st=$?
        [ "$st" = 5 ] || { err="$err exit-$st"; break; }
    done
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
many_case

# --- a hostile "server": garbage, or a valid-looking stream cut short -----
# The client must end the control connection with a clear error, at once,
# and exit 8 (never up), whatever comes back.
hostile_case() {
    local c=pptp-hostile-server
    want "$c" || return 0
    local d="$E2E_TMP/$c" err="" kind st
    mkdir -p "$d/run-b"
    e2e_secrets "$d/etc-b" alice pptpd "$PW"
    for kind in random zeros huge-length; do
        rm -f "$d/b.rc" "$d/b.log"
        case $kind in
        random) gen="head -c 4096 /dev/urandom" ;;
        zeros) gen="head -c 4096 /dev/zero" ;;
        # A header claiming 65535 octets, then silence: the length is refused.
        huge-length)
            printf '\377\377\000\001\032\053\074\115\000\001\000\000' >"$d/huge.bin"
            gen="cat $d/huge.bin; sleep 5" ;;
        esac
        ip netns exec "$NS_A" timeout 20 socat TCP-LISTEN:1723,reuseaddr SYSTEM:"$gen" 2>/dev/null &
        local sp=$!
        sleep 0.3
        pc_client "$c" ""
        pc_wait_exit "$c" 10
        st=$?
        [ "$st" = 8 ] || err="$err $kind-exit-$st"
        grep -q "PPTP call to .* failed" "$d/b.log" || err="$err $kind-no-failure-line"
        # Refused for its length, not waited on until the server hung up.
        if [ "$kind" = huge-length ] && ! grep -q "protocol error" "$d/b.log"; then
            err="$err $kind-not-refused"
        fi
        kill "$sp" 2>/dev/null
        wait "$sp" 2>/dev/null
    done
    pc_stop_all
    if [ -z "$err" ]; then e2e_ok "$c"; else e2e_fail "$c" "$err"; fi
}
hostile_case

e2e_summary
