#!/usr/bin/env bash
# PPTP on the host (issue 10): one TCP transfer from `upppd pptp` in one
# network namespace through upppd-pptpd in another (MPPE-128 stateless,
# MS-CHAPv2), against the same transfer over the bare veth pair between
# them, measured in the same run; and the CPU each daemon spent, per GB.
#
#   sudo bench/pptp_host.sh [build/normal/daemon/upppd] [MB]
#
# upppd-pptpd is $UPPPD_PPTPD or pptpd/upppd-pptpd beside upppd. Prints:
#   pptp_host MBps=B ref_MBps=R ratio=B/R client_cpu_s_per_GB=C server_cpu_s_per_GB=S
# (client to server; the reverse direction is printed as a second line).
set -euo pipefail
UPPPD=$(readlink -f "${1:-build/normal/daemon/upppd}")
MB=${2:-200}
PPTPD=${UPPPD_PPTPD:-$(dirname "$UPPPD")/pptpd/upppd-pptpd}
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces, TUN, raw GRE)"; exit 2; }
[ -x "$PPTPD" ] || { echo "no upppd-pptpd at $PPTPD"; exit 2; }
tmp=$(mktemp -d /tmp/upppd-pptp-bench.XXXXXX)
NA=upppd-pb-a-$$ NB=upppd-pb-b-$$
SPID= CPID=
cleanup() {
    # The daemons first, politely, so the shell reports no killed jobs.
    for p in $CPID $SPID; do kill -TERM "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for ns in $NA $NB; do
        ip netns pids $ns 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add $NA
ip netns add $NB
ip link add pb-a-$$ type veth peer name pb-b-$$
ip link set pb-a-$$ netns $NA
ip link set pb-b-$$ netns $NB
ip -n $NA addr add 192.168.78.1/24 dev pb-a-$$
ip -n $NB addr add 192.168.78.2/24 dev pb-b-$$
for ns in $NA $NB; do ip -n $ns link set lo up; done
ip -n $NA link set pb-a-$$ up
ip -n $NB link set pb-b-$$ up

mkdir -p "$tmp/etc-a" "$tmp/etc-b" "$tmp/run-a" "$tmp/run-b"
pw=$(head -c 12 /dev/urandom | base64)
printf '"bench" "pptpd" "%s" *\n' "$pw" | tee "$tmp/etc-a/chap-secrets" >"$tmp/etc-b/chap-secrets"
chmod 600 "$tmp"/etc-*/chap-secrets
printf 'name pptpd\nrequire-mschap-v2\nrequire-mppe-128\n' >"$tmp/options"
printf 'option %s\nlocalip 10.98.0.1\nremoteip 10.98.0.2-9\n' "$tmp/options" >"$tmp/pptpd.conf"
UPPPD_ETC=$tmp/etc-a UPPPD_RUNDIR=$tmp/run-a ip netns exec $NA \
    "$PPTPD" -f -c "$tmp/pptpd.conf" -p "$tmp/run-a/pid" >"$tmp/server.log" 2>&1 &
SPID=$!
for _ in $(seq 50); do
    ip netns exec $NA ss -ltn | grep -q ':1723 ' && break
    sleep 0.1
done
UPPPD_ETC=$tmp/etc-b UPPPD_RUNDIR=$tmp/run-b ip netns exec $NB \
    "$UPPPD" pptp 192.168.78.1 nodetach name bench remotename pptpd require-mppe-128 \
    logfile "$tmp/client.log" >/dev/null 2>&1 &
CPID=$!
for _ in $(seq 300); do
    grep -q "remote IP address" "$tmp/client.log" 2>/dev/null && break
    sleep 0.1
done
grep -q "remote IP address" "$tmp/client.log" || { echo "link did not come up"; tail "$tmp/client.log"; exit 1; }
sleep 0.3
head -c $((MB * 1024 * 1024)) /dev/urandom >"$tmp/payload"

cpu_s() { # utime + stime of a pid, in seconds
    awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$1/stat"
}

# transfer FROM_NS TO_NS DST_IP: seconds for MB megabytes.
transfer() {
    ip netns exec "$2" timeout 600 socat -u TCP-LISTEN:5201,reuseaddr OPEN:/dev/null &
    local r=$!
    sleep 0.3
    local t0 t1
    t0=$(date +%s.%N)
    ip netns exec "$1" timeout 600 socat -u OPEN:"$tmp/payload" TCP:"$3":5201,retry=20,interval=0.1
    wait $r
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

report() { # name from to dst_tunnel dst_veth
    local c0 s0 c1 s1 t tr
    tr=$(transfer "$2" "$3" "$5")
    c0=$(cpu_s $CPID)
    s0=$(cpu_s $SPID)
    t=$(transfer "$2" "$3" "$4")
    c1=$(cpu_s $CPID)
    s1=$(cpu_s $SPID)
    awk -v n="$1" -v mb="$MB" -v t="$t" -v tr="$tr" -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" \
        -v s="$(awk -v a="$s0" -v b="$s1" 'BEGIN{print b-a}')" 'BEGIN {
        gb = mb / 1024; b = mb / t; r = mb / tr
        printf "%s MBps=%.1f ref_MBps=%.1f ratio=%.3f client_cpu_s_per_GB=%.1f server_cpu_s_per_GB=%.1f\n",
            n, b, r, b / r, c / gb, s / gb }'
}

report pptp_host $NB $NA 10.98.0.1 192.168.78.1
report pptp_host_down $NA $NB 10.98.0.2 192.168.78.2
