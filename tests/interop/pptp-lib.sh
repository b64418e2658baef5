# shellcheck shell=bash
# Helpers for the PPTP bed (pptp.sh, bench/pptp_vm.sh): a network namespace
# holding a Linux bridge, the guests' tap devices and the host side, and
# guests running Debian's pptpd or pptp-linux. Source after vm-lib.sh and
# matrix-lib.sh (mx_check and friends). Globals:
#   PV_NS        the namespace (pv_net_up); its bridge is br0
#   PV_HOST_IP   the host side's address on the bridge (10.99.0.1)
#
#   pv_net_up NS          namespace, br0, the host's side: a veth pair h0
#                         (10.99.0.1/24, where upppd / upppd-pptpd and the
#                         capture live) and h0br (in br0). No route leaves
#                         the namespace: nothing but the guests is reachable.
#   pv_net_down           kill what runs in the namespace, delete it
#   pv_tap NAME           a tap device in br0 for one guest
#   pv_vm_start NAME TAP ADDR OPTIONS SECRETS SCRIPT KEY=VALUE...
#                         vm_start with the PPTP overlay and a NIC on TAP,
#                         the guest's eth0 at ADDR/24
#   pv_guest_script FILE RECV_PORT PEER SEND_PORT BYTES [CONNECT [NETEM [LOSSY]]]
#                         the guest's test: (with NETEM=1 first turn the
#                         guest's netem on: NETEM_AT=test) listen on
#                         RECV_PORT, ping PEER (56 bytes, then the largest
#                         unfragmented size; with LOSSY=1 for the record
#                         only, not in the exit status), send BYTES to
#                         PEER:SEND_PORT (CONNECT: seconds one connection
#                         attempt may take, 5), report counters
#   pv_in_ns COMMAND...   run in PV_NS

PV_HOST_IP=10.99.0.1

pv_in_ns() { ip netns exec "$PV_NS" "$@"; }

pv_net_up() {
    PV_NS=$1
    ip netns del "$PV_NS" 2>/dev/null
    ip netns add "$PV_NS" || return 1
    ip -n "$PV_NS" link set lo up
    # The host's TCP under stateful MPPE with loss: a Reset-Request round
    # drops every packet in flight, so a retransmission can be lost again
    # and the RTO doubles up to Linux's 120 s (a 78 s wait after an ACK was
    # seen, upppd having delivered it). Linux 6.15+ lets a namespace cap
    # that; older kernels keep the default (the sysctl is missing).
    ip netns exec "$PV_NS" sysctl -qw net.ipv4.tcp_rto_max_ms=4000 2>/dev/null
    ip -n "$PV_NS" link add br0 type bridge || return 1
    # No STP and no forwarding delay: a port is forwarding at once.
    ip -n "$PV_NS" link set br0 type bridge stp_state 0 forward_delay 0
    ip -n "$PV_NS" link set br0 up
    ip -n "$PV_NS" link add h0 type veth peer name h0br || return 1
    ip -n "$PV_NS" link set h0br master br0
    ip -n "$PV_NS" link set h0br up
    ip -n "$PV_NS" addr add "$PV_HOST_IP/24" dev h0
    ip -n "$PV_NS" link set h0 up
}

# The same teardown as matrix.sh's namespaces.
pv_net_down() {
    MX_NS=${PV_NS:-} mx_ns_down
    PV_NS=
}

pv_tap() {
    ip -n "$PV_NS" tuntap add dev "$1" mode tap || return 1
    ip -n "$PV_NS" link set "$1" master br0
    ip -n "$PV_NS" link set "$1" up
}

pv_vm_start() {
    local name=$1 tap=$2 addr=$3
    shift 3
    pv_tap "$tap" || return 1
    # no_timer_check: with two or three guests on two busy cores, the
    # kernel's early check that the IO-APIC timer ticks failed now and then
    # ("Kernel panic - not syncing: IO-APIC + timer doesn't work!").
    VM_APPEND="no_timer_check ${VM_APPEND:-}" VM_PPTP=1 VM_TAP=$tap VM_NETNS=$PV_NS vm_start "$name" "$1" "$2" "$3" \
        NET_ADDR="$addr/24" "${@:4}"
}

pv_guest_script() {
    local f=$1 rport=$2 peer=$3 sport=$4 bytes=$5 cw=${6:-5} netem=${7:-0} lossy=${8:-0}
    local counts='|| rc=1'
    ((lossy)) && counts=''
    cat >"$f" <<EOF
rc=0
[ $netem = 1 ] && pppvm_netem_on
pppvm_nc_recv $rport 240 & rpid=\$!
pppvm_ping $peer 3 $counts
pppvm_mtu_ping $peer 3 $counts
pppvm_nc_send $peer $sport $bytes 240 $cw || rc=1
wait \$rpid || rc=1
s=/sys/class/net/\$PPPVM_IFACE/statistics
pppvm_mark stats rx_packets=\$(cat \$s/rx_packets) tx_packets=\$(cat \$s/tx_packets)
exit \$rc
EOF
}

# pppd options of a guest. pv_pppd_server AUTH BITS MODE: pptpd's pppd
# (pptpd hands it the addresses); pv_pppd_client AUTH BITS MODE SERVER:
# pppd over pptp-linux, the authenticator being "pptpd".
# AUTH: v2 | v1; BITS: 128 | 40; MODE: stateless | stateful.
pv_pppd_server() {
    local auth=$1 bits=$2 mode=$3
    echo "debug"
    echo "name pptpd"
    [[ $auth == v2 ]] && echo "require-mschap-v2" || echo "require-mschap"
    echo "require-mppe-$bits"
    # pppd never asks for stateful itself; it accepts it when asked.
    [[ $mode == stateful ]] && echo "mppe-stateful"
    echo "nobsdcomp"
    echo "nodeflate"
    echo "novj"
}

pv_pppd_client() {
    local auth=$1 bits=$2 mode=$3 server=$4
    echo "debug"
    echo "name testuser"
    echo "remotename pptpd"
    echo "noauth"
    echo "noipdefault"
    echo "require-mppe-$bits"
    [[ $mode == stateful ]] && echo "mppe-stateful"
    [[ $auth == v1 ]] && echo "refuse-mschap-v2"
    echo "nobsdcomp"
    echo "nodeflate"
    echo "novj"
    echo "pty \"pptp $server --nolaunchpppd\""
}

# pv_secrets DIR PASSWORD: chap-secrets for testuser at pptpd.
pv_secrets() {
    mkdir -p "$1"
    printf 'testuser pptpd %s *\n' "$2" >"$1/chap-secrets"
    chmod 600 "$1/chap-secrets"
}
