#!/usr/bin/env bash
# Throughput of a upppd link over a pty, as a ratio against a reference
# measured in the same run: the same TCP transfer between the same two
# network namespaces over a veth pair (the kernel's own path, no PPP).
#
#   sudo bench/link_throughput.sh [build/normal/daemon/upppd] [MB]
#
# Prints one line per case:
#   case=mppe128-stateless MBps=52.1 ref_MBps=1450.0 ratio=0.036
# The link is one pty carrying async HDLC, so this measures upppd's whole
# data path: TUN read, MPPE, HDLC framing, pty write, and back.
set -euo pipefail
UPPPD=$(readlink -f "${1:-build/normal/daemon/upppd}")
MB=${2:-50}
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, TUN)"; exit 2; }
tmp=$(mktemp -d /tmp/upppd-bench.XXXXXX)
NA=upppd-bench-a-$$ NB=upppd-bench-b-$$
cleanup() {
    for ns in $NA $NB; do
        ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $NA
ip netns add $NB
head -c $((MB * 1024 * 1024)) /dev/urandom >"$tmp/payload"

# transfer DST_IP: seconds for MB megabytes from NA to NB over TCP.
transfer() {
    ip netns exec $NB timeout 300 socat -u TCP-LISTEN:5201,reuseaddr OPEN:/dev/null &
    local r=$!
    sleep 0.3
    local t0 t1
    t0=$(date +%s.%N)
    ip netns exec $NA timeout 300 socat -u OPEN:"$tmp/payload" TCP:"$1":5201,retry=20,interval=0.1
    wait $r
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v mb="$MB" 'BEGIN { printf "%.1f", mb / (b - a) }'
}

# Reference: veth between the namespaces.
ip link add vb-$$ netns $NA type veth peer name vb-$$ netns $NB
ip -n $NA addr add 10.98.0.1/30 dev vb-$$
ip -n $NB addr add 10.98.0.2/30 dev vb-$$
ip -n $NA link set vb-$$ up
ip -n $NB link set vb-$$ up
ref=$(transfer 10.98.0.2)
ip -n $NA link del vb-$$

mkdir -p "$tmp/etc"
printf 'client server benchpass *\n' >"$tmp/etc/chap-secrets"
chmod 600 "$tmp/etc/chap-secrets"

run_case() {
    local name=$1 aopts=$2 bopts=$3
    UPPPD_ETC=$tmp/etc UPPPD_RUNDIR=$tmp ip netns exec $NA "$UPPPD" nodetach \
        logfile "$tmp/$name-a.log" name server require-mschap-v2 $aopts 10.97.0.1:10.97.0.2 \
        pty "env UPPPD_ETC=$tmp/etc UPPPD_RUNDIR=$tmp ip netns exec $NB $UPPPD notty logfile $tmp/$name-b.log name client remotename server noauth noipdefault $bopts" &
    local pid=$!
    for _ in $(seq 100); do
        grep -q "remote IP address" "$tmp/$name-b.log" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.3
    local r
    r=$(transfer 10.97.0.2)
    kill -TERM $pid
    wait $pid || true
    awk -v n="$name" -v r="$r" -v f="$ref" \
        'BEGIN { printf "case=%s MBps=%.1f ref_MBps=%.1f ratio=%.3f\n", n, r, f, r / f }'
}

run_case clear "nomppe" "nomppe"
run_case mppe128-stateless "require-mppe-128" "require-mppe-128"
run_case mppe128-stateful "require-mppe-128 mppe-stateful" "require-mppe-128 request-mppe-stateful"
run_case mppe40-stateless "require-mppe-40" "require-mppe-40"
