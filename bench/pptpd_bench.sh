#!/usr/bin/env bash
# upppd-pptpd on the host (issue 10 "Performance" and "Memory"), as ratios
# against a reference measured in the same run:
#
#   sudo bench/pptpd_bench.sh [BUILD_DIR] [MB] [CALLS]
#
# Throughput: a PPTP client (tests/pptpd/pptp-probe: the library's PNS,
# GRE flow and a frame-mode session on its own TUN) in one network
# namespace, upppd-pptpd in another, a veth pair between them, MPPE-128
# stateless; MB megabytes of TCP client -> server through the call, against
# the same transfer over the bare veth. CPU seconds per GB carried, for the
# server and the client process (utime + stime from /proc).
#   pptpd_host MBps=.. ref_MBps=.. ratio=.. server_cpu_s_per_GB=.. client_cpu_s_per_GB=..
# Memory: the server's RSS before and with CALLS established calls (each
# with its TUN, session, GRE flow, control connection), per call.
#   pptpd_mem calls=.. rss_before_kB=.. rss_with_calls_kB=.. bytes_per_call=..
set -euo pipefail
B=$(readlink -f "${1:-build/normal}")
MB=${2:-100}
CALLS=${3:-50}
SERVER=$B/daemon/pptpd/upppd-pptpd
PROBE=$B/tests/pptp-probe
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, TUN, raw GRE)"; exit 2; }
tmp=$(mktemp -d /tmp/upppd-pptpd-bench.XXXXXX)
S=uptbs-$$ C=uptbc-$$
cleanup() {
    for ns in $S $C; do
        ip netns pids $ns 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $S
ip netns add $C
ip link add uptbv-$$ type veth peer name uptbw-$$
ip link set uptbv-$$ netns $S
ip link set uptbw-$$ netns $C
ip -n $S addr add 10.88.0.1/24 dev uptbv-$$
ip -n $C addr add 10.88.0.2/24 dev uptbw-$$
for ns in $S $C; do ip -n $ns link set lo up; done
ip -n $S link set uptbv-$$ up
ip -n $C link set uptbw-$$ up
mkdir -p "$tmp/etc"
printf '"bench" * "benchpass" *\n' >"$tmp/etc/chap-secrets"
chmod 600 "$tmp/etc/chap-secrets"
printf 'name pptpd\nrequire-mschap-v2\nrequire-mppe-128\n' >"$tmp/etc/pptpd-options"
printf 'option %s/etc/pptpd-options\nlocalip 10.99.0.1\nremoteip 10.99.0.10-250\nconnections 240\n' \
    "$tmp" >"$tmp/pptpd.conf"
UPPPD_ETC=$tmp/etc ip netns exec $S "$SERVER" -f -c "$tmp/pptpd.conf" -p "$tmp/pid" 2>"$tmp/server.log" &
for _ in $(seq 50); do grep -q started "$tmp/server.log" && break; sleep 0.1; done
SPID=$(cat "$tmp/pid")

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

# transfer DST: seconds for MB megabytes from C to S over TCP.
head -c $((MB * 1024 * 1024)) /dev/zero >"$tmp/payload"
transfer() {
    ip netns exec $S socat -u TCP-LISTEN:5001,reuseaddr OPEN:/dev/null &
    local l=$!
    sleep 0.3
    local t0 t1
    t0=$(date +%s.%N)
    ip netns exec $C socat -u OPEN:"$tmp/payload" TCP:"$1":5001
    t1=$(date +%s.%N)
    wait $l 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

ref_s=$(transfer 10.88.0.1)

ip netns exec $C env PPTP_PROBE_TUN=1 PPTP_PROBE_UNTIL="$tmp/done" "$PROBE" 10.88.0.1 1723 \
    call bench benchpass 1 600 128 >"$tmp/probe.out" 2>&1 &
P1=$!
for _ in $(seq 100); do grep -q calls_up "$tmp/probe.out" && break; sleep 0.1; done
grep -q "calls_up=1" "$tmp/probe.out" || { echo "call not up"; cat "$tmp/server.log"; exit 1; }
PPID_=$(pgrep -n -f "pptp-probe 10.88.0.1 1723 call bench")
hz=$(getconf CLK_TCK)
s0=$(cpu_ticks "$SPID")
c0=$(cpu_ticks "$PPID_")
link_s=$(transfer 10.99.0.1)
s1=$(cpu_ticks "$SPID")
c1=$(cpu_ticks "$PPID_")
touch "$tmp/done"
wait $P1 || true
awk -v mb="$MB" -v r="$ref_s" -v l="$link_s" -v s=$((s1 - s0)) -v c=$((c1 - c0)) -v hz="$hz" \
    'BEGIN { gb = mb / 1024;
             printf "pptpd_host MBps=%.1f ref_MBps=%.1f ratio=%.3f server_cpu_s_per_GB=%.2f client_cpu_s_per_GB=%.2f\n",
                    mb / l, mb / r, r / l, s / hz / gb, c / hz / gb }'

# Memory: CALLS calls held while the server's RSS is read.
sleep 0.5
before=$(rss_kb "$SPID")
rm -f "$tmp/done"
ip netns exec $C env PPTP_PROBE_UNTIL="$tmp/done" "$PROBE" 10.88.0.1 1723 \
    call bench benchpass "$CALLS" 600 128 >"$tmp/probe2.out" 2>&1 &
P2=$!
for _ in $(seq 300); do grep -q calls_up "$tmp/probe2.out" && break; sleep 0.1; done
grep -q "calls_up=$CALLS" "$tmp/probe2.out" || { echo "not all calls up: $(cat "$tmp/probe2.out")"; exit 1; }
with=$(rss_kb "$SPID")
touch "$tmp/done"
wait $P2 || true
awk -v n="$CALLS" -v a="$before" -v b="$with" \
    'BEGIN { printf "pptpd_mem calls=%d rss_before_kB=%d rss_with_calls_kB=%d bytes_per_call=%d\n",
                    n, a, b, (b - a) * 1024 / n }'
