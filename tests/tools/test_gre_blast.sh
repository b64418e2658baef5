#!/usr/bin/env bash
# Smoke test of gre-blast (bench/gre_blast.c), the GRE ceiling of
# bench/pptp_vm.sh: in a network namespace of its own (unshare -n, root),
# over loopback, 4 MB plain, with stateless MPPE-128, and plain with the sink
# started late must arrive whole
# (every packet counted, none lost or bad, the same octets the sender
# sent), a sink expecting MPPE must reject a plain sender's packets (bad>0,
# exit 1: the decryption check can fail), and bad arguments give status 2.
#
# usage: test_gre_blast.sh PATH/TO/gre-blast      (exit 77 without root)
blast=${1:?usage: $0 PATH/TO/gre-blast}
# shellcheck source=tests/tools/lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
    echo "SKIP: needs root (raw sockets in a network namespace)"
    exit 77
fi

# pair SINK_ARGS SEND_ARGS [DELAY]: one transfer of 4 MB on lo, the sink
# started DELAY seconds after the sender (0); the sink's line in $tmp/sink,
# the sender's in $tmp/send, the sink's status in $tmp/rc.
pair() {
    # shellcheck disable=SC2016 # expanded by the inner shell
    timeout 60 unshare -n sh -c '
        ip link set lo up
        (sleep $5; exec "$1" sink $2 >"$4/sink" 2>&1) & s=$!
        "$1" send $3 127.0.0.1 4000000 >"$4/send" 2>&1
        wait $s; echo $? >"$4/rc"' sh "$blast" "$1" "$2" "$tmp" "${3:-0}"
    cat "$tmp/send" "$tmp/sink"
}

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$tmp/$1"; }

# The sink late by 1.5 s: the sender waits for it (HELLO) rather than
# blasting into nothing.
for mode in plain mppe late; do
    flag= delay=0
    [ $mode = mppe ] && flag=-m
    [ $mode = late ] && delay=1.5 mode=plain
    rm -f "$tmp/rc"
    pair "$flag" "$flag" $delay
    [ "$(cat "$tmp/rc" 2>/dev/null)" = 0 ] || fail "$mode: sink exit status $(cat "$tmp/rc" 2>/dev/null)"
    grep -q "^gre-sink mode=$mode " "$tmp/sink" || fail "$mode: no sink line"
    grep -q "^gre-blast mode=$mode " "$tmp/send" || fail "$mode: no sender line"
    [ "$(field sink packets)" = 2858 ] || fail "$mode: sink counted $(field sink packets) packets, expected 2858"
    [ "$(field sink bytes)" = "$(field send bytes)" ] || fail "$mode: octets differ"
    [ "$(field sink lost)" = 0 ] || fail "$mode: lost=$(field sink lost)"
    [ "$(field sink bad)" = 0 ] || fail "$mode: bad=$(field sink bad)"
    awk -v m="$(field sink MBps)" 'BEGIN { exit !(m > 0) }' || fail "$mode: MBps not positive"
done

rm -f "$tmp/rc"
pair -m ""
[ "$(cat "$tmp/rc" 2>/dev/null)" = 1 ] || fail "mppe sink, plain sender: exit status $(cat "$tmp/rc" 2>/dev/null), expected 1"
[ "$(field sink packets)" = 0 ] || fail "mppe sink took plain packets"
[ "$(field sink bad)" -gt 0 ] 2>/dev/null || fail "mppe sink counted no bad packets"

for args in "" "cost extra" "sink extra" "send 127.0.0.1" "send nowhere 100" "send 127.0.0.1 0" "send -w 1 127.0.0.1 100" "blast"; do
    # shellcheck disable=SC2086 # split on purpose
    "$blast" $args >/dev/null 2>"$tmp/err"
    rc=$?
    [ "$rc" = 2 ] || fail "'$args': exit status $rc, expected 2"
done

finish gre-blast
