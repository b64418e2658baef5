#!/usr/bin/env bash
# Issue 10's VM benchmark: one TCP transfer (busybox nc, guest to guest)
# between the same two qemu guests on the PPTP bed's bridge, three ways,
# in one run:
#   (a) anchor: pptp-linux 1.10.0 + pppd -> pptpd 1.4.0 + pppd, MPPE-128
#       stateless in the guests' kernel (ppp_mppe), GRE in pptp/pptpctrl
#   (b) upppd: `upppd pptp HOST` -> upppd-pptpd, MPPE-128 stateless, all
#       in user space (the binaries, their libraries and OpenSSL's legacy
#       provider are carried into the initramfs)
#   (c) raw: the same transfer over the guests' Ethernet, no tunnel
#   (d) the GRE ceiling: bench/gre_blast.c blasts enhanced GRE packets of
#       1400 payload octets with sendmmsg on a raw GRE socket, paced by a
#       512-packet window, and a sink counts them with recvmmsg: no TCP, no
#       TUN, no MPPE, i.e. the most any user-space PPTP data path could
#       carry at PPTP's packet size between these guests
#   (e) (d) with stateless MPPE-128 through libuppp at both ends: what is
#       left for the rest of a PPTP data path once the cipher has run
# and prints
#   pptp_vm anchor_MBps=A upppd_MBps=B raw_MBps=C ratio_anchor=B/A ratio_raw=B/C
#     gre_ceiling_MBps=D ceiling_ratio_raw=D/C gre_mppe_MBps=E mppe_ratio_raw=E/C
#     upppd_of_ceiling=B/D tx_s_per_MB_b= tx_s_per_MB_c= tx_s_per_MB_e=
#     rx_s_per_MB_b= rx_s_per_MB_c= rx_s_per_MB_e= tx_bound_MBps=
#     rx_bound_MBps= bound_MBps= bound_ratio_raw= upppd_of_bound=
#     load_start= load_end=
# on one line (MB = 10^6 bytes, over the sender's nc time measured in the
# guest; for d and e over the sink's time from its first packet to its
# last; tx_ and rx_s_per_MB_*: the sending and the receiving guest's busy
# CPU seconds per MB in ways b, c and e; the bounds: see below; load_*: the host's 1-minute load
# average). The goal (issue 10):
# ratio_anchor >= 10, ratio_raw >= 0.5; ceiling_ratio_raw below 0.5 means no
# user-space design reaches the second in this bed. Under TCG the absolute
# numbers mean little; the ratios from one run are what count.
# Not run in CI: each way boots two guests (~1 minute of two busy cores).
#
# usage: bench/pptp_vm.sh          (root; ./scripts/build.sh normal first)
# Env: UPPPD, UPPPD_PPTPD (build/normal/daemon/...), BENCH_BYTES_A (4 MiB),
#   BENCH_BYTES_B (16 MiB), BENCH_BYTES_C (32 MiB), BENCH_BYTES_D (128 MiB),
#   BENCH_BYTES_E (64 MiB), GRE_BLAST (build/normal/gre-blast), BENCH_KEEP=1 (keep the
#   run directory; each way's consoles in cfg-WAY/), PPTP_VM_OFFLOAD=0 (way b
#   without the TUN offloads: UPPPD_TUN_OFFLOAD=0 in the guests),
#   PPTP_VM_ONLY="a c" (run only those ways; default "a b c d e"),
#   PPTP_VM_PERF=1 (carry the host's perf into the guests and print a flat
#   profile, kernel and user, of the receiving guest in way b: 3 s of
#   cpu-clock samples from its first MB on, and the call chains into the
#   clock, read_hpet; the host's perf must match the
#   guest kernel's version closely enough).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
it=$root/tests/interop
# shellcheck source=../tests/interop/vm-lib.sh
. "$it/vm-lib.sh"
# shellcheck source=../tests/interop/matrix-lib.sh
. "$it/matrix-lib.sh"
# shellcheck source=../tests/interop/pptp-lib.sh
. "$it/pptp-lib.sh"

UPPPD=$(readlink -m "${UPPPD:-$root/build/normal/daemon/upppd}")
UPPPD_PPTPD=$(readlink -m "${UPPPD_PPTPD:-$root/build/normal/daemon/pptpd/upppd-pptpd}")
A_BYTES=${BENCH_BYTES_A:-4194304}
B_BYTES=${BENCH_BYTES_B:-16777216}
C_BYTES=${BENCH_BYTES_C:-33554432}
D_BYTES=${BENCH_BYTES_D:-134217728}
E_BYTES=${BENCH_BYTES_E:-67108864}
GRE_BLAST=$(readlink -m "${GRE_BLAST:-$root/build/normal/gre-blast}")
ONLY=${PPTP_VM_ONLY:-a b c d e}
OFFLOAD=${PPTP_VM_OFFLOAD:-1}
PERF=${PPTP_VM_PERF:-0}
SRV_IP=10.99.0.10 CLI_IP=10.99.0.11
PASSWORD=benchpass123

[[ $(id -u) == 0 ]] || { echo "pptp_vm: needs root" >&2; exit 2; }
INTEROP_CACHE=${INTEROP_CACHE:-$root/build/interop-cache}
export INTEROP_CACHE
VM_KEEP=${BENCH_KEEP:-0}
VM_MEM=512
vm_init || exit 1
trap 'vm_cleanup; pv_net_down' EXIT
D=$VM_RUNDIR
log() { echo "pptp_vm: $*" >&2; }

# The overlay with upppd, upppd-pptpd and gre-blast: every library ldd names, and the
# legacy provider (MD4 and DES for MS-CHAP) where libcrypto looks for it.
upppd_overlay() {
    local st=$D/upppd-root b lib
    rm -rf "$st"
    mkdir -p "$st/usr/sbin"
    local bins=("$UPPPD" "$UPPPD_PPTPD" "$GRE_BLAST")
    ((PERF)) && bins+=("$(readlink -f "$(command -v perf)")")
    for b in "${bins[@]}"; do
        [[ -x $b ]] || { log "$b missing: ./scripts/build.sh normal (with pptp-client and pptp-server)"; return 1; }
        cp "$b" "$st/usr/sbin/"
        ldd "$b" | awk '/=> \// {print $3}' | while read -r lib; do
            mkdir -p "$st$(dirname "$lib")"
            cp -L "$lib" "$st$lib"
        done
    done
    local mods
    mods=$(openssl version -m | sed -n 's/^MODULESDIR: "\(.*\)"$/\1/p')
    [[ -f $mods/legacy.so ]] || { log "no legacy provider in '$mods'"; return 1; }
    mkdir -p "$st$mods"
    cp "$mods/legacy.so" "$st$mods/"
    (cd "$st" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$D/upppd.cpio"
}

# run_way WAY: boot both guests for one way, wait for them; WAY_MBPS.
# In the script's own shell (not $(...)): qemu must be its child.
run_way() {
    local way=$1 bytes srv_args=() cli_args=() srv_script cli_script
    local cfg=$D/cfg-$way
    mkdir -p "$cfg"
    pv_secrets "$cfg/sec" "$PASSWORD"
    srv_script=$cfg/srv.sh cli_script=$cfg/cli.sh
    case $way in
    a)
        bytes=$A_BYTES
        pv_pppd_server v2 128 stateless >"$cfg/srv.options"
        pv_pppd_client v2 128 stateless "$SRV_IP" >"$cfg/cli.options"
        echo 'pppvm_nc_recv 5001 600' >"$srv_script"
        echo "pppvm_nc_send \$PPPVM_REMOTE 5001 $bytes 600" >"$cli_script"
        srv_args=(MODE=pptpd)
        cli_args=(MODE=pptp AFTER=terminate)
        ;;
    b)
        bytes=$B_BYTES
        {
            echo "name pptpd"
            echo "require-mschap-v2"
            echo "require-mppe-128"
        } >"$cfg/srv.options"
        : >"$cfg/cli.options"
        cat >"$srv_script" <<EOF
. /lib/pppvm/pppvm.sh
printf 'option /etc/ppp/OPTIONS\nlocalip 192.0.2.1\nremoteip 192.0.2.2-9\nlisten $SRV_IP\n' >/etc/pptpd.conf
UPPPD_TUN_OFFLOAD=$OFFLOAD upppd-pptpd -f -c /etc/pptpd.conf >/run/upppd-pptpd.log 2>&1 &
spid=\$!
# The guest's clock: with tsc=unstable (vm-lib.sh) every clock_gettime is a
# system call and an emulated timer read.
echo "PPPVM: clocksource \$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"

# CPU samples each second (uptime, the cpu line, the daemon's utime and
# stime): where the receiving guest's time went while data flowed.
while kill -0 \$spid 2>/dev/null; do
    echo "PPPVM: cpu-srv \$(cut -d' ' -f1 /proc/uptime) \$(head -1 /proc/stat) daemon \$(cut -d' ' -f14,15 /proc/\$spid/stat)"
    sleep 1
done &
if [ $PERF = 1 ]; then
    # A flat profile of this guest while data flows (PPTP_VM_PERF=1).
    (
        while [ "\$(wc -c </tmp/nc-recv.5001 2>/dev/null || echo 0)" -lt 1000000 ]; do sleep 0.2; done
        /usr/sbin/perf record -a -g -e cpu-clock -F 999 -o /tmp/perf.data -- sleep 3 >/dev/null 2>&1
        /usr/sbin/perf report -i /tmp/perf.data --stdio --no-children -g none --sort comm,dso,sym --percent-limit 0.5 2>/dev/null |
            grep '%' | head -70 | sed 's/^/PERF: /'
        /usr/sbin/perf report -i /tmp/perf.data --stdio --no-children -g none --sort comm,dso --percent-limit 0.5 2>/dev/null |
            grep '%' | sed 's/^/PERF-DSO: /'
        # Who reads the clock (an emulated HPET here: tsc=unstable).
        /usr/sbin/perf report -i /tmp/perf.data --stdio --no-children -S read_hpet -g caller,0.5,callee --percent-limit 0.5 2>/dev/null |
            grep -v '^#' | grep -v '^$' | head -60 | sed 's/^/PERF-HPET: /'
    ) &
    perfpid=\$!
fi
pppvm_nc_recv 5001 600
sleep 1
[ $PERF = 1 ] && wait \$perfpid
kill \$spid
grep -E 'MPPE|MTU|error' /run/upppd-pptpd.log
EOF
        cat >"$cli_script" <<EOF
. /lib/pppvm/pppvm.sh
UPPPD_TUN_OFFLOAD=$OFFLOAD upppd pptp $SRV_IP nodetach name testuser remotename pptpd noauth noipdefault \\
    require-mppe-128 logfile /run/upppd.log >/dev/null 2>&1 &
upid=\$!
n=0
until ip -o addr show dev ppp0 2>/dev/null | grep -q 'peer 192.0.2.1'; do
    n=\$((n + 1)); [ \$n -gt 1200 ] && break; sleep 0.1
done
c0=\$(head -1 /proc/stat)
p0=\$(cut -d' ' -f14,15 /proc/\$upid/stat)
PPPVM_IFACE=ppp0 pppvm_nc_send 192.0.2.1 5001 $bytes 600
c1=\$(head -1 /proc/stat)
p1=\$(cut -d' ' -f14,15 /proc/\$upid/stat)
echo "PPPVM: cpu-cli daemon0=\$p0 daemon1=\$p1 before=\$c0 after=\$c1"
cat /proc/net/dev | grep -E 'ppp0|eth0'
grep '^Tcp:' /proc/net/snmp
kill \$upid
sleep 2
grep -E 'MPPE|summary' /run/upppd.log
EOF
        srv_args=(RUN="sh /etc/pppvm/test.sh")
        cli_args=(RUN="sh /etc/pppvm/test.sh")
        ;;
    d | e)
        local m=
        bytes=$D_BYTES
        [[ $way == e ]] && m=-m bytes=$E_BYTES
        : >"$cfg/srv.options"
        : >"$cfg/cli.options"
        # The sink on the server guest, as upppd-pptpd receives in way b;
        # the sender first prices a clock read and a system call.
        cat >"$srv_script" <<EOF
. /lib/pppvm/pppvm.sh
pppvm_mark \$(timeout 600 gre-blast sink $m 2>&1)
EOF
        cat >"$cli_script" <<EOF
. /lib/pppvm/pppvm.sh
pppvm_mark \$(gre-blast cost)
pppvm_mark \$(timeout 600 gre-blast send $m $SRV_IP $bytes 2>&1)
EOF
        srv_args=(RUN="sh /etc/pppvm/test.sh")
        cli_args=(RUN="sh /etc/pppvm/test.sh")
        ;;
    c)
        bytes=$C_BYTES
        : >"$cfg/srv.options"
        : >"$cfg/cli.options"
        printf '. /lib/pppvm/pppvm.sh\npppvm_nc_recv 5001 600\n' >"$srv_script"
        printf '. /lib/pppvm/pppvm.sh\npppvm_nc_send %s 5001 %s 600\n' "$SRV_IP" "$bytes" >"$cli_script"
        srv_args=(RUN="sh /etc/pppvm/test.sh")
        cli_args=(RUN="sh /etc/pppvm/test.sh")
        ;;
    esac
    pv_net_up "pvb$$-$way" || return 1
    local extra=
    [[ $way == [bde] ]] && extra=$D/upppd.cpio
    VM_INITRD_EXTRA=$extra pv_vm_start srv tap0 "$SRV_IP" "$cfg/srv.options" "$cfg/sec" "$srv_script" \
        TIMEOUT=700 "${srv_args[@]}" || return 1
    vm_wait_marker srv net 120 || { log "$way: server guest did not come up"; return 1; }
    VM_INITRD_EXTRA=$extra pv_vm_start cli tap1 "$CLI_IP" "$cfg/cli.options" "$cfg/sec" "$cli_script" \
        TIMEOUT=700 "${cli_args[@]}" || return 1
    vm_wait cli 720
    vm_wait srv 60
    pv_net_down
    cp "$(vm_log cli)" "$cfg/cli.log"
    cp "$(vm_log srv)" "$cfg/srv.log"
    if [[ $way == b ]]; then
        # Where the guests' time went (ticks of 10 ms): the sender's cpu
        # line and upppd's utime stime around the transfer, the receiver's
        # each second; and the sender's ppp0 counters (/proc/net/dev: its
        # received packets are the receiver's TCP acks).
        tr -d '\r' <"$cfg/cli.log" | grep -E 'PPPVM: cpu-cli|^ *ppp0:' >&2
        tr -d '\r' <"$cfg/srv.log" | grep -E 'PPPVM: (cpu-srv|clocksource)|^PERF(-HPET|-DSO)?: ' >&2
    fi
    if [[ $way == [de] ]]; then
        # Both ends' lines: rate, loss, window stalls, CPU (the guest's
        # busy share and the tool's own user/system seconds).
        tr -d '\r' <"$cfg/cli.log" | grep -E 'PPPVM: (gre-blast|gre-sink|gre-cost)' >&2
        tr -d '\r' <"$cfg/srv.log" | grep -E 'PPPVM: (gre-blast|gre-sink|gre-cost)' >&2
        local got
        got=$(vm_result srv gre-sink packets)
        if [[ -z $got || $got == 0 ]] || [[ -n $(vm_result srv gre-sink bad) && $(vm_result srv gre-sink bad) != 0 ]]; then
            log "$way: the GRE sink got no good packets"
            vm_dump cli >&2
            vm_dump srv >&2
            return 1
        fi
        WAY_MBPS=$(vm_result srv gre-sink MBps)
        WAY_RX_COST=$(share_per_mb "$(vm_result srv gre-sink guest_busy_pct)" "$(vm_result srv gre-sink secs)" \
            "$(vm_result srv gre-sink bytes)")
        WAY_TX_COST=$(share_per_mb "$(vm_result cli gre-blast guest_busy_pct)" "$(vm_result cli gre-blast secs)" \
            "$(vm_result cli gre-blast bytes)")
        return 0
    fi
    local secs sent_md5 got_md5 got_bytes
    secs=$(vm_result cli nc-sent secs)
    sent_md5=$(vm_result cli nc-sent md5)
    got_md5=$(vm_result srv nc-recv md5)
    got_bytes=$(vm_result srv nc-recv bytes)
    if [[ -z $secs || $sent_md5 != "$got_md5" || $got_bytes != "$bytes" ]]; then
        log "$way: transfer failed (sent md5 ${sent_md5:-none}, received ${got_bytes:-0} bytes md5 ${got_md5:-none})"
        vm_dump cli >&2
        vm_dump srv >&2
        return 1
    fi
    local v
    for v in cli srv; do
        [[ $way == c ]] && break
        if ! tr -d '\r' <"$(vm_log $v)" | grep 'MPPE 128-bit stateless compression enabled' >/dev/null; then
            log "$way: MPPE-128 stateless not seen on $v"
            vm_dump $v >&2
            return 1
        fi
    done
    WAY_MBPS=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.3f", b / s / 1e6 }')
    WAY_RX_COST=$(ticks_per_mb "$(vm_result srv nc-recv busy)" "$bytes")
    WAY_TX_COST=$(ticks_per_mb "$(vm_result cli nc-sent busy)" "$bytes")
}

# A guest's busy CPU seconds per MB moved: ticks_per_mb TICKS BYTES from
# its busy ticks (10 ms), share_per_mb PCT SECS BYTES from its busy share
# over SECS seconds. Nothing when a value is missing.
ticks_per_mb() {
    awk -v t="$1" -v b="$2" 'BEGIN { if (t != "" && b > 0) printf "%.4f", t / 100 / (b / 1e6) }'
}
share_per_mb() {
    awk -v p="$1" -v s="$2" -v b="$3" \
        'BEGIN { if (p != "" && s != "" && b > 0) printf "%.4f", p / 100 * s / (b / 1e6) }'
}

declare -A mbps=([a]=n/a [b]=n/a [c]=n/a [d]=n/a [e]=n/a) rx=([b]=n/a [c]=n/a [e]=n/a) tx=([b]=n/a [c]=n/a [e]=n/a)
load() { cut -d' ' -f1 /proc/loadavg; }
load_start=$(load)
if [[ $ONLY == *[bde]* ]]; then upppd_overlay || ONLY=${ONLY//[bde]/}; fi
for way in $ONLY; do
    WAY_MBPS='' WAY_RX_COST='' WAY_TX_COST=''
    run_way "$way" && mbps[$way]=$WAY_MBPS
    [[ $way == [bce] && -n $WAY_RX_COST ]] && rx[$way]=$WAY_RX_COST
    [[ $way == [bce] && -n $WAY_TX_COST ]] && tx[$way]=$WAY_TX_COST
    log "way $way: ${mbps[$way]} MB/s; busy CPU s per MB: sending guest ${tx[$way]:-n/a}, receiving ${rx[$way]:-n/a}"
done
ratio() {
    awk -v x="$1" -v y="$2" 'BEGIN { if (x + 0 > 0 && y + 0 > 0) printf "%.3f", x / y; else print "n/a" }'
}
# The bound: each guest has one vCPU. A PPTP receiver there does at least
# what the GRE+MPPE sink does per MB (e) and what the raw transfer's
# receiver does per MB (c: the TCP receive and cat writing the file; its
# virtio receive stands in for the TUN write); a PPTP sender at least what
# the blaster and the raw sender do. Each side in one CPU: no more than
# 1 / (e + c) MB/s on either side, whatever the design.
side_bound() {
    awk -v c="$1" -v e="$2" 'BEGIN { if (c + 0 > 0 && e + 0 > 0) printf "%.3f", 1 / (c + e); else print "n/a" }'
}
rx_bound=$(side_bound "${rx[c]}" "${rx[e]}")
tx_bound=$(side_bound "${tx[c]}" "${tx[e]}")
bound=$(awk -v r="$rx_bound" -v t="$tx_bound" 'BEGIN { if (r + 0 > 0 && t + 0 > 0) printf "%.3f", r < t ? r : t; else print "n/a" }')
echo "pptp_vm anchor_MBps=${mbps[a]} upppd_MBps=${mbps[b]} raw_MBps=${mbps[c]}" \
    "ratio_anchor=$(ratio "${mbps[b]}" "${mbps[a]}") ratio_raw=$(ratio "${mbps[b]}" "${mbps[c]}")" \
    "gre_ceiling_MBps=${mbps[d]} ceiling_ratio_raw=$(ratio "${mbps[d]}" "${mbps[c]}")" \
    "gre_mppe_MBps=${mbps[e]} mppe_ratio_raw=$(ratio "${mbps[e]}" "${mbps[c]}")" \
    "upppd_of_ceiling=$(ratio "${mbps[b]}" "${mbps[d]}")" \
    "tx_s_per_MB_b=${tx[b]} tx_s_per_MB_c=${tx[c]} tx_s_per_MB_e=${tx[e]}" \
    "rx_s_per_MB_b=${rx[b]} rx_s_per_MB_c=${rx[c]} rx_s_per_MB_e=${rx[e]}" \
    "tx_bound_MBps=$tx_bound rx_bound_MBps=$rx_bound bound_MBps=$bound bound_ratio_raw=$(ratio "$bound" "${mbps[c]}") upppd_of_bound=$(ratio "${mbps[b]}" "$bound")" \
    "load_start=$load_start load_end=$(load)"
