# shellcheck shell=sh disable=SC2086 # marker values are single words
# Helpers for a case's guest test script (busybox sh). /init sources this
# before the script and sets PPPVM_IFACE, PPPVM_LOCAL, PPPVM_REMOTE.
# Every helper prints one "PPPVM: ..." marker with its result and returns
# 0 on success, 1 on failure, so a script can `set -e` or chain with &&.

pppvm_mark() { echo "PPPVM: $*"; }
pppvm_uptime() { cut -d' ' -f1 /proc/uptime; }

# pppvm_ping TARGET [COUNT [SIZE]]: COUNT pings with SIZE data bytes, one
# at a time, each given PPPVM_PING_WAIT (5) s; ok when every echo came
# back. One at a time because busybox ping, once an echo has come back,
# waits only two round trips (at least 1 s) after its last send for the
# rest: on a loaded host a slow TCG guest missed echoes that did arrive.
# Marker: ping-ok|ping-fail target= size= tx= rx=
pppvm_ping() {
    _t=$1 _c=${2:-3} _s=${3:-56}
    _tx=0 _rx=0 _i=0
    while [ "$_i" -lt "$_c" ]; do
        _i=$((_i + 1))
        _out=$(ping -c 1 -s "$_s" -W "${PPPVM_PING_WAIT:-5}" "$_t" 2>&1)
        echo "$_out"
        _n=$(echo "$_out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
        _tx=$((_tx + ${_n:-0}))
        _n=$(echo "$_out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
        _rx=$((_rx + ${_n:-0}))
    done
    if [ "$_rx" = "$_c" ]; then
        pppvm_mark ping-ok target=$_t size=$_s tx=$_tx rx=$_rx
        return 0
    fi
    pppvm_mark ping-fail target=$_t size=$_s tx=${_tx:-0} rx=${_rx:-0}
    return 1
}

# pppvm_busy: the machine's busy time so far, in ticks of 10 ms (the cpu
# line of /proc/stat without idle and iowait).
pppvm_busy() {
    awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# pppvm_nc_recv PORT [TIMEOUT]: accept one TCP connection, store what
# arrives. Marker: nc-recv port= bytes= md5= busy=   (nc-recv-fail on
# timeout). Prints nc-listening first so the far side knows when to connect.
pppvm_nc_recv() {
    _p=$1 _w=${2:-60}
    rm -f /tmp/nc-recv.$_p
    # Not `nc -l </dev/null >file`: that nc half-closes at once (stdin EOF),
    # the sender's nc exits on that FIN while its data is still queued, and
    # the sender cannot tell delivery from loss. With -e the socket is cat's
    # stdin: cat ends at the sender's FIN, after the last byte, and only then
    # does the sender see EOF and exit 0.
    # The busy count starts when the connection is accepted.
    nc -l -p "$_p" -e /bin/sh -c "awk '/^cpu / { print \$2 + \$3 + \$4 + \$7 + \$8 + \$9; exit }' /proc/stat >/tmp/nc-busy.$_p; cat >/tmp/nc-recv.$_p" </dev/null &
    _pid=$!
    pppvm_mark nc-listening port=$_p
    ( sleep "$_w"; kill $_pid 2>/dev/null ) &
    _wd=$!
    wait $_pid
    _rc=$?
    _b1=$(pppvm_busy) _b0=$(cat /tmp/nc-busy.$_p 2>/dev/null || echo 0)
    kill $_wd 2>/dev/null
    _n=$(wc -c </tmp/nc-recv.$_p)
    _h=$(md5sum </tmp/nc-recv.$_p | cut -d' ' -f1)
    if [ "$_rc" = 0 ]; then
        # busy: the guest's busy ticks from the accept to the sender's FIN
        # (bench/pptp_vm.sh: the receiver's CPU per MB).
        pppvm_mark nc-recv port=$_p bytes=$_n md5=$_h busy=$((_b1 - _b0))
        return 0
    fi
    pppvm_mark nc-recv-fail port=$_p rc=$_rc bytes=$_n
    return 1
}

# pppvm_nc_send HOST PORT BYTES [TIMEOUT [CONNECT]]: send BYTES random
# bytes in one TCP connection. Connecting is retried until TIMEOUT, so the
# receiver may start listening after the sender starts; one attempt waits
# CONNECT seconds (5) for the handshake: a lossy stateful-MPPE link can
# drop a SYN and its first retransmissions (1 s, 3 s) in reset cycles.
# Marker:
#   nc-sent host= port= bytes= md5= secs= tries= busy=   (nc-send-fail on
#   failure; busy: the guest's busy ticks of 10 ms while nc ran)
pppvm_nc_send() {
    _hst=$1 _p=$2 _n=$3 _w=${4:-60} _cw=${5:-5}
    head -c "$_n" /dev/urandom >/tmp/nc-send.$_p
    _h=$(md5sum </tmp/nc-send.$_p | cut -d' ' -f1)
    _start=$(pppvm_uptime)
    _tries=0
    while :; do
        _tries=$((_tries + 1))
        _t0=$(pppvm_uptime) _b0=$(pppvm_busy)
        timeout "$_w" nc -w "$_cw" "$_hst" "$_p" </tmp/nc-send.$_p >/dev/null 2>/tmp/nc-send.err
        _rc=$?
        _t1=$(pppvm_uptime) _b1=$(pppvm_busy)
        [ "$_rc" = 0 ] && break
        # busybox nc exits 1 at once on "Connection refused": retry that.
        if awk "BEGIN{exit !($_t1 - $_start < $_w && $_t1 - $_t0 < 1)}"; then
            sleep 0.3
            continue
        fi
        cat /tmp/nc-send.err
        pppvm_mark nc-send-fail host=$_hst port=$_p rc=$_rc tries=$_tries
        return 1
    done
    _secs=$(awk "BEGIN{printf \"%.2f\", $_t1 - $_t0}")
    pppvm_mark nc-sent host=$_hst port=$_p bytes=$_n md5=$_h secs=$_secs tries=$_tries busy=$((_b1 - _b0))
}

# pppvm_netem_on: the NETEM impairment from now on (NETEM_AT=test; init
# wrote the commands). Marker: netem PARAMS uptime= (netem-fail).
pppvm_netem_on() {
    [ -f /run/pppvm/netem-on ] && . /run/pppvm/netem-on
}

# pppvm_mtu_ping TARGET [COUNT]: ping with the largest ICMP payload that fits
# the interface MTU unfragmented (MTU - 20 IPv4 - 8 ICMP).
pppvm_mtu_ping() {
    _mtu=$(cat /sys/class/net/$PPPVM_IFACE/mtu)
    pppvm_mark mtu iface=$PPPVM_IFACE mtu=$_mtu
    pppvm_ping "$1" "${2:-3}" $((_mtu - 28))
}

# pppvm_wait_for FILE [TIMEOUT]: wait until FILE exists (e.g. /run/pppvm/ipv6-up).
pppvm_wait_for() {
    _i=0
    while [ ! -e "$1" ]; do
        _i=$((_i + 1))
        [ $_i -gt $((${2:-10} * 20)) ] && return 1
        sleep 0.05
    done
}
