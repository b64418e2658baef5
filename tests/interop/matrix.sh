#!/usr/bin/env bash
# The interop matrix of issue 5: upppd (on the host, in a network namespace
# of its own with its TUN there) against real pppd 2.4.9 + Linux 6.1
# ppp_mppe in a qemu guest, the PPP line being the guest's ttyS1 socket,
# reached through `pty "socat - UNIX-CONNECT:..."` (or hdlc-relay for the
# lossy cases). Every case is run in both roles:
#   c-*  upppd is the client, pppd the authenticator
#   a-*  upppd is the authenticator, pppd the client
#
#   MS-CHAPv2 + MPPE-128 / MPPE-40, stateless / stateful; MS-CHAPv1 +
#   MPPE-128 stateless / stateful; CHAP-MD5 and PAP without MPPE; a link
#   case checks, from both sides' logs: the MPPE mode (the same CCP options
#   acked both ways, the same "MPPE N-bit mode compression enabled" line),
#   the addresses, pings both ways (56 bytes and the largest that fits the
#   MTU unfragmented), NC_BYTES through busybox nc in each direction with
#   matching MD5 (more than 256 packets each way, so stateful MPPE crosses a
#   rekey boundary: checked from both packet counters), and a clean
#   termination started from upppd or from pppd, alternating (the side sent
#   SIGTERM exits 5, the other 16).
#   v2-mppe-refused: pppd require-mppe-128, upppd nomppe: both give up.
#   v2-wrongpass: the client has the wrong password: authenticator exits 11,
#   client 19.
#   v2-128-stateful-lossy: hdlc-relay drops ~3 % of the MPPE data frames in
#   both directions, and the first FLUSHED frame answering a Reset-Request
#   in each direction; stateful MPPE must resync (CCP Reset-Request /
#   Reset-Ack counted on both sides) and the transfers still complete.
#
# usage: matrix.sh [-l] [-j JOBS] [PATTERN...]
#   -l       list the cases and exit
#   -j N     cases at once (default 2: one VM each; TCG keeps a core busy)
#   PATTERN  shell globs on case names (default: every case)
# Env: UPPPD (default build/normal/daemon/upppd), HDLC_RELAY (default
#   build/normal/tests/hdlc-relay), INTEROP_CACHE (see setup-vm.sh),
#   NC_BYTES (default 458752 each way), MATRIX_KEEP=1 (keep the case
#   directories under /tmp/upppd-mx.*), MATRIX_VERBOSE=1 (print every
#   case's checks, not only the failed ones'), LOSSY_PERMILLE (30), LOSSY_ANSWERS
#   (1: reset answers dropped per direction), LOSSY_SEED (default: from the
#   case name).
# Needs root (network namespaces, TUN). Prints one line per case with its
# time, the failed cases' checks and both sides' full logs, then
# "N passed, N failed"; exits 1 if any case failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"
# shellcheck source=matrix-lib.sh
. "$here/matrix-lib.sh"
# shellcheck source=case-runner.sh
. "$here/case-runner.sh"

MX_UPPPD=$(readlink -f "${UPPPD:-$root/build/normal/daemon/upppd}")
MX_RELAY=$(readlink -f "${HDLC_RELAY:-$root/build/normal/tests/hdlc-relay}")
# 458752 B = 315 TCP segments of 1456 bytes: each direction carries more
# than 256 MPPE packets from its own transfer alone (plus the other's ACKs).
NC_BYTES=${NC_BYTES:-458752}
LOSSY_PERMILLE=${LOSSY_PERMILLE:-30}
LOSSY_ANSWERS=${LOSSY_ANSWERS:-1}

# name kind role auth bits mode killer
#   kind: link | lossy | refused | wrongpass; killer: who is sent SIGTERM.
# The killer alternates from one case to the next, so each role sees both.
CASES=(
    "c-v2-128-stateful-lossy lossy c v2 128 stateful upppd"
    "a-v2-128-stateful-lossy lossy a v2 128 stateful pppd"
    "c-v2-128-stateless link c v2 128 stateless upppd"
    "a-v2-128-stateless link a v2 128 stateless pppd"
    "c-v2-128-stateful link c v2 128 stateful pppd"
    "a-v2-128-stateful link a v2 128 stateful upppd"
    "c-v2-40-stateless link c v2 40 stateless upppd"
    "a-v2-40-stateless link a v2 40 stateless pppd"
    "c-v2-40-stateful link c v2 40 stateful pppd"
    "a-v2-40-stateful link a v2 40 stateful upppd"
    "c-v1-128-stateless link c v1 128 stateless upppd"
    "a-v1-128-stateless link a v1 128 stateless pppd"
    "c-v1-128-stateful link c v1 128 stateful pppd"
    "a-v1-128-stateful link a v1 128 stateful upppd"
    "c-chap link c chap none - upppd"
    "a-chap link a chap none - pppd"
    "c-pap link c pap none - pppd"
    "a-pap link a pap none - upppd"
    "c-v2-mppe-refused refused c v2 128 stateless -"
    "a-v2-mppe-refused refused a v2 128 stateless -"
    "c-v2-wrongpass wrongpass c v2 128 stateless -"
    "a-v2-wrongpass wrongpass a v2 128 stateless -"
)

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

AUTH_IP=192.0.2.1   # the authenticator's address (it assigns both)
CLIENT_IP=192.0.2.2
PASSWORD=testpass123

# mx_configs ROLE AUTH BITS MODE UP_PASS VM_PASS UP_MPPE VM_MPPE: both sides'
# options and secrets. UP_MPPE / VM_MPPE: "" derives the MPPE options from
# BITS and MODE; anything else is used as is. Sets UP_OPTS, UP_IP, VM_IP.
mx_configs() {
    local role=$1 auth=$2 bits=$3 mode=$4 up_pass=$5 vm_pass=$6 up_mppe=$7 vm_mppe=$8
    local authopt
    case $auth in
    v2) authopt=require-mschap-v2 ;;
    v1) authopt=require-mschap ;;
    chap) authopt=require-chap ;;
    pap) authopt=require-pap ;;
    esac
    if [[ -z $up_mppe && $bits != none ]]; then
        up_mppe="require-mppe-$bits"
        vm_mppe="require-mppe-$bits"
        if [[ $mode == stateful ]]; then
            # pppd only ever requests stateless itself and accepts stateful
            # when asked (mppe-stateful); upppd asks and Naks pppd's
            # stateless request once, which pppd then follows.
            up_mppe+=" request-mppe-stateful"
            vm_mppe+=" mppe-stateful"
        fi
    fi
    mkdir -p "$CASE_DIR/pppd-secrets" "$CASE_DIR/upppd-etc"
    local server
    # pppd's guest has an empty /etc/ppp/options: only what is here.
    # silent: pppd opens its line first and waits for upppd's LCP (frames
    # reaching a port nobody has open are lost; see README).
    if [[ $role == c ]]; then
        server=pppd-auth
        UP_IP=$CLIENT_IP VM_IP=$AUTH_IP
        cat >"$CASE_DIR/pppd.options" <<EOF
debug
local
silent
name $server
$authopt
$vm_mppe
$AUTH_IP:$CLIENT_IP
EOF
        # shellcheck disable=SC2206 # word lists on purpose
        UP_OPTS=(name testuser user testuser remotename "$server" noauth noipdefault $up_mppe)
    else
        server=upppd-auth
        UP_IP=$AUTH_IP VM_IP=$CLIENT_IP
        cat >"$CASE_DIR/pppd.options" <<EOF
debug
local
silent
name testuser
remotename $server
noauth
noipdefault
$vm_mppe
EOF
        # shellcheck disable=SC2206
        UP_OPTS=(name "$server" "$authopt" $up_mppe "$AUTH_IP:$CLIENT_IP")
    fi
    local f
    for f in chap-secrets pap-secrets; do
        printf 'testuser %s %s *\n' "$server" "$vm_pass" >"$CASE_DIR/pppd-secrets/$f"
        printf 'testuser %s %s *\n' "$server" "$up_pass" >"$CASE_DIR/upppd-etc/$f"
    done
}

# mx_guest_script LOSSY: the guest's side of the traffic. It listens on 5002
# for the host's data, pings the host, sends NC_BYTES to the host's 5001,
# and reports its ppp0 packet counters.
mx_guest_script() {
    local lossy=$1 f=$CASE_DIR/pppd-test.sh
    {
        echo 'rc=0'
        echo 'pppvm_nc_recv 5002 200 & rpid=$!'
        if ((lossy)); then
            # Pings only for the record: losses are expected here.
            echo 'pppvm_ping $PPPVM_REMOTE 5'
            echo 'pppvm_mtu_ping $PPPVM_REMOTE 5'
        else
            echo 'pppvm_ping $PPPVM_REMOTE 3 || rc=1'
            echo 'pppvm_mtu_ping $PPPVM_REMOTE 3 || rc=1'
        fi
        # Under loss one connection attempt may take 30 s: stateful MPPE's
        # reset cycles can swallow a SYN and its retransmissions at 1 s and
        # 3 s (CI, c-v2-128-stateful-lossy: "nc: timed out" after 5 s).
        echo "pppvm_nc_send \$PPPVM_REMOTE 5001 $NC_BYTES 200 $((lossy ? 30 : 5)) || rc=1"
        echo 'wait $rpid || rc=1'
        echo 's=/sys/class/net/$PPPVM_IFACE/statistics'
        echo 'pppvm_mark stats rx_packets=$(cat $s/rx_packets) tx_packets=$(cat $s/tx_packets)'
        echo 'exit $rc'
    } >"$f"
}

# mx_boot: boot the guest, start its pppd (silent), then upppd.
mx_boot() {
    vm_start pppd "$CASE_DIR/pppd.options" "$CASE_DIR/pppd-secrets" "${GUEST_SCRIPT:--}" \
        START=control TIMEOUT=300 || return 1
    vm_wait_marker pppd ready 90 || { echo "  guest not ready"; return 1; }
    t_boot=$(since "$t0")
    vm_control pppd start
    vm_wait_grep pppd '^Connect: ppp0' 30 || { echo "  pppd did not open its line"; return 1; }
    mx_upppd_start "$(mx_pty_command)" "${UP_OPTS[@]}"
}

mx_pty_command() {
    if ((lossy)); then
        echo "$MX_RELAY -s ${LOSSY_SEED:-$seed} -p $LOSSY_PERMILLE -a $LOSSY_ANSWERS -w 20" \
            "-l $CASE_DIR/relay.log $VM_SOCK"
    else
        echo "socat - UNIX-CONNECT:$VM_SOCK"
    fi
}

# mx_host_traffic: the host's side, concurrent with the guest's script.
mx_host_traffic() {
    local mtu
    mtu=$(mx_in_ns cat /sys/class/net/ppp0/mtu)
    head -c "$NC_BYTES" /dev/urandom >"$CASE_DIR/to-vm"
    mx_in_ns timeout 220 socat -u TCP-LISTEN:5001,reuseaddr OPEN:"$CASE_DIR/from-vm",creat,trunc \
        2>"$CASE_DIR/nc-listen.err" &
    local lpid=$!
    host_ping56=0 host_pingmtu=0
    mx_in_ns ping -c 3 -i 0.2 -W 3 "$VM_IP" >"$CASE_DIR/host-ping56.txt" 2>&1 || host_ping56=$?
    mx_in_ns ping -c 3 -i 0.2 -W 3 -M "do" -s $((mtu - 28)) "$VM_IP" >"$CASE_DIR/host-pingmtu.txt" 2>&1 ||
        host_pingmtu=$?
    host_mtu=$mtu
    local t
    t=$(now)
    host_send=0
    mx_in_ns timeout 220 socat -u OPEN:"$CASE_DIR/to-vm" TCP:"$VM_IP":5002,retry=1000,interval=0.2 \
        2>"$CASE_DIR/nc-send.err" || host_send=$?
    host_send_secs=$(since "$t")
    host_recv=0
    wait "$lpid" || host_recv=$?
}

# mx_terminate KILLER: end the session from KILLER's side; sets up_rc,
# vm_rc.
mx_terminate() {
    if [[ $1 == upppd ]]; then
        kill -TERM "$UP_PID"
    else
        vm_control pppd "signal TERM"
    fi
    mx_upppd_wait 40
    up_rc=$?
    vm_wait pppd 40
    vm_rc=$(vm_result pppd pppd-exit rc)
}

mx_check_exits() {
    local killer=$1
    if [[ $killer == upppd ]]; then
        mx_check "upppd exit 5 (SIGTERM)" mx_eq "$up_rc" 5
        mx_check "pppd exit 16 (hung up by peer)" mx_eq "$vm_rc" 16
        mx_check "pppd: LCP terminated by peer" mx_vm_grep pppd '^LCP terminated by peer'
        mx_check "upppd: Terminate-Ack received" up_grep '^rcvd \[LCP TermAck'
    else
        mx_check "pppd exit 5 (SIGTERM)" mx_eq "$vm_rc" 5
        mx_check "upppd exit 16 (hung up by peer)" mx_eq "$up_rc" 16
        # pppd's SIGTERM closes CCP first, so with MPPE its reason is
        # "MPPE disabled", not "User request"; it sends two TermReqs.
        mx_check "upppd: Terminate-Request received, peer's reason logged" \
            up_grep '^Connection terminated: peer requested termination: (MPPE disabled|User request)$'
        mx_check "pppd: Terminate-Ack received" mx_vm_grep pppd '^rcvd \[LCP TermAck'
    fi
    mx_check "upppd: summary says exit $up_rc" mx_eq "$(up_summary_field exit)" "$up_rc"
}

# The CCP options each side acked, as logged: "<mppe +H -M +S -L -D -C>".
ccp_acked() { sed -n 's/^\(sent\|rcvd\) \[CCP ConfAck id=0x[0-9a-f]* \(<.*>\)\]$/\2/p' <<<"$1"; }

mx_check_mode() {
    local bits=$1 mode=$2
    if [[ $bits == none ]]; then
        mx_check "pppd: no MPPE" mx_not mx_vm_grep pppd 'MPPE .* compression enabled'
        mx_check "upppd: no MPPE" mx_not up_grep 'MPPE .* compression enabled'
        mx_check "upppd summary: mppe 0" mx_eq "$(up_summary_field mppe)" 0
        return
    fi
    local line="MPPE $bits-bit $mode compression enabled"
    mx_check "pppd: $line" mx_vm_grep pppd "^$line\$"
    mx_check "upppd: $line" up_grep "^$line\$"
    mx_check "upppd summary: mppe $bits $mode" mx_eq "$(up_summary_field mppe)" "$bits $mode"
    # The options acked in each direction: the same bits both ways, as
    # each side logged them (RFC 3078 section 2: H stateless, S 128, L 40).
    local h=-H s=-S l=-L
    [[ $mode == stateless ]] && h=+H
    [[ $bits == 128 ]] && s=+S
    [[ $bits == 40 ]] && l=+L
    local want="<mppe $h -M $s $l -D -C>"
    mx_check "upppd sent ConfAck $want" mx_eq "$(ccp_acked "$(up_last '^sent \[CCP ConfAck')")" "$want"
    mx_check "upppd rcvd ConfAck $want" mx_eq "$(ccp_acked "$(up_last '^rcvd \[CCP ConfAck')")" "$want"
    mx_check "pppd sent ConfAck $want" mx_eq "$(ccp_acked "$(vm_last pppd '^sent \[CCP ConfAck')")" "$want"
    mx_check "pppd rcvd ConfAck $want" mx_eq "$(ccp_acked "$(vm_last pppd '^rcvd \[CCP ConfAck')")" "$want"
}

# A session that must work: mode, addresses, pings, nc, termination.
case_link() {
    local role=$1 auth=$2 bits=$3 mode=$4 killer=$5
    mx_configs "$role" "$auth" "$bits" "$mode" "$PASSWORD" "$PASSWORD" "" ""
    mx_guest_script "$lossy"
    GUEST_SCRIPT=$CASE_DIR/pppd-test.sh
    mx_boot || return 1
    if ! mx_wait_up 60; then
        echo "  FAIL link did not come up"
        case_ok=0
        kill -TERM "$UP_PID" 2>/dev/null
        mx_upppd_wait 20
        vm_control pppd poweroff
        vm_wait pppd 20
        return 1
    fi
    t_up=$(since "$t0")
    mx_host_traffic
    vm_wait_marker pppd test-exit 240
    t_test=$(since "$t0")
    local t
    t=$(now)
    mx_terminate "$killer"
    t_term=$(since "$t")

    mx_check_mode "$bits" "$mode"
    mx_check "pppd: addresses" mx_eq "$(vm_result pppd link-up local) $(vm_result pppd link-up remote)" "$VM_IP $UP_IP"
    mx_check "upppd: local address" up_grep "^local  IP address $UP_IP\$"
    mx_check "upppd: remote address" up_grep "^remote IP address $VM_IP\$"
    local tx_vm rx_vm
    rx_vm=$(vm_result pppd nc-recv bytes)" "$(vm_result pppd nc-recv md5)
    tx_vm=$(vm_result pppd nc-sent bytes)" "$(vm_result pppd nc-sent md5)
    local host_md5 from_md5 from_n
    host_md5=$(md5sum <"$CASE_DIR/to-vm" | cut -d' ' -f1)
    from_md5=$(md5sum <"$CASE_DIR/from-vm" 2>/dev/null | cut -d' ' -f1)
    from_n=$(stat -c %s "$CASE_DIR/from-vm" 2>/dev/null)
    if ((!lossy)); then
        mx_check "pppd->upppd ping 56 and MTU-sized" mx_eq \
            "$(vm_count pppd "PPPVM: ping-ok target=$UP_IP ")" 2
        mx_check "upppd->pppd ping 56" mx_eq "$host_ping56" 0
        mx_check "upppd->pppd ping $((host_mtu - 28)) (MTU $host_mtu, DF)" mx_eq "$host_pingmtu" 0
        mx_check "pppd: test script rc 0" mx_eq "$(vm_result pppd test-exit rc)" 0
    fi
    mx_check "upppd->pppd nc $NC_BYTES bytes, same MD5" mx_eq "$rx_vm" "$NC_BYTES $host_md5"
    mx_check "pppd->upppd nc $NC_BYTES bytes, same MD5" mx_eq "$from_n $from_md5" "$tx_vm"
    mx_check "host nc send/receive rc" mx_eq "$host_send $host_recv" "0 0"
    # More than 256 packets each way: a stateful key change (RFC 3078
    # section 7.3) crossed in both directions, seen by both sides.
    mx_check "pppd ppp0 rx_packets > 256" mx_gt "$(vm_result pppd stats rx_packets)" 256
    mx_check "pppd ppp0 tx_packets > 256" mx_gt "$(vm_result pppd stats tx_packets)" 256
    mx_check "upppd received packets > 256" mx_gt "$(up_summary_field rcvd_packets)" 256
    mx_check "upppd sent packets > 256" mx_gt "$(up_summary_field sent_packets)" 256
    mx_check_exits "$killer"
    mx_check "no MPPE errors (pppd)" mx_not mx_vm_grep pppd 'Too many MPPE errors|Lost compression sync'
    mx_check "no MPPE errors (upppd)" mx_not up_grep 'Too many MPPE errors|Lost compression sync'
    # Decryption with a wrong key shows as junk: Linux hands it to pppd,
    # which Protocol-Rejects whatever "protocol" it decrypted to; upppd
    # drops it as an invalid protocol.
    mx_check "pppd: no Protocol-Reject sent (junk)" mx_not mx_vm_grep pppd '^sent \[LCP ProtRej'
    mx_check "upppd: nothing decrypted to junk" \
        mx_not up_grep 'decrypted protocol invalid|decrypt to nonsense'
    if ((lossy)); then
        local d_up d_vm
        d_up=$(sed -n 's/^hdlc-relay: end up>vm .* dropped=\([0-9]*\)$/\1/p' "$CASE_DIR/relay.log")
        d_vm=$(sed -n 's/^hdlc-relay: end vm>up .* dropped=\([0-9]*\)$/\1/p' "$CASE_DIR/relay.log")
        mx_check "relay dropped upppd->pppd MPPE frames" mx_gt "$d_up" 0
        mx_check "relay dropped pppd->upppd MPPE frames" mx_gt "$d_vm" 0
        local a_up a_vm
        a_up=$(sed -n 's/^hdlc-relay: end up>vm .* answers-dropped=\([0-9]*\) .*/\1/p' "$CASE_DIR/relay.log")
        a_vm=$(sed -n 's/^hdlc-relay: end vm>up .* answers-dropped=\([0-9]*\) .*/\1/p' "$CASE_DIR/relay.log")
        mx_check "relay dropped $LOSSY_ANSWERS reset answer(s) upppd->pppd" mx_eq "$a_up" "$LOSSY_ANSWERS"
        mx_check "relay dropped $LOSSY_ANSWERS reset answer(s) pppd->upppd" mx_eq "$a_vm" "$LOSSY_ANSWERS"
        # Linux answers a Reset-Request on the next count with a key change;
        # when such an answer is lost upppd must find the extra key change
        # (a flag-count answer is counted by the block arithmetic instead).
        local lost_plain
        lost_plain=$(sed -n 's/^hdlc-relay: drop vm>up .* ccount=\([0-9]*\) .* reset-answer=1 .*/\1/p' \
            "$CASE_DIR/relay.log" | awk '$1 % 256 != 255' | wc -l)
        if ((lost_plain > 0)); then
            mx_check "upppd recovered from pppd's lost answer(s) ($lost_plain)" mx_ge \
                "$(up_count "^MPPE: resynced [0-9]+ key change\\(s\\) further on")" 1
        fi
        # Losses towards upppd: upppd asks, pppd acks (and Linux sends
        # FLUSHED once pppd's Reset-Ack has gone out).
        local u_rreq u_rack p_rreq p_rack
        # A last request left unanswered as it crossed the teardown is
        # not counted (CI: upppd's 20th went out as pppd, on SIGTERM, had
        # just closed CCP); a request unanswered before that still fails.
        local u_ans u_cross p_ans p_cross
        u_rreq=$(up_count '^sent \[CCP ResetReq')
        read -r u_ans u_cross < <(rreq_answerable <"$UP_LOG")
        p_rack=$(vm_count pppd '^sent \[CCP ResetAck')
        # Losses towards pppd: Linux reports them, pppd asks, upppd acks.
        p_rreq=$(vm_count pppd '^sent \[CCP ResetReq')
        read -r p_ans p_cross < <(rreq_answerable <"$(vm_log pppd)")
        u_rack=$(up_count '^sent \[CCP ResetAck')
        mx_check "upppd sent Reset-Requests" mx_gt "$u_rreq" 0
        mx_check "pppd acked each (sent Reset-Ack = upppd's Reset-Requests, $u_cross crossing the teardown)" \
            mx_eq "$p_rack" "$u_ans"
        mx_check "pppd sent Reset-Requests" mx_gt "$p_rreq" 0
        mx_check "upppd acked each (sent Reset-Ack = pppd's Reset-Requests, $p_cross crossing the teardown)" \
            mx_eq "$u_rack" "$p_ans"
        # A resync is one Reset-Request id: both sides repeat a request
        # with the same id while discarding (pppd once, after 1 s; upppd
        # also after a run of discarded packets). A loss cannot need more
        # than one, and losses close together share one.
        local u_sync p_sync
        u_sync=$(grep -E '^sent \[CCP ResetReq' "$UP_LOG" | sort -u | wc -l)
        p_sync=$(tr -d '\r' <"$(vm_log pppd)" | grep -E '^sent \[CCP ResetReq' | sort -u | wc -l)
        mx_check "upppd resyncs ($u_sync) <= drops towards upppd" mx_ge "$d_vm" "$u_sync"
        # pppd repeats a Reset-Request after 1 s without a Reset-Ack (a long
        # queue on the line); our second answer, a jump to the next flag
        # count, then looks like a loss to Linux once it has resynced, and
        # costs one more resync.
        mx_check "pppd resyncs ($p_sync) <= drops towards pppd + pppd's repeats" \
            mx_ge "$((d_up + p_rreq - p_sync))" "$p_sync"
        detail="drops upppd->pppd $d_up pppd->upppd $d_vm; resyncs asked by upppd $u_sync"
        detail+=" (Reset-Req $u_rreq), by pppd $p_sync (Reset-Req $p_rreq); "
    fi
    local vsecs
    vsecs=$(vm_result pppd nc-sent secs)
    detail+="boot ${t_boot}s, up ${t_up}s, nc upppd->pppd ${host_send_secs}s pppd->upppd ${vsecs:-?}s,"
    detail+=" tests done ${t_test}s, ${killer} ends: ${t_term}s"
}

# pppd requires MPPE-128, upppd has nomppe: both must give up.
case_refused() {
    local role=$1
    mx_configs "$role" v2 128 stateless "$PASSWORD" "$PASSWORD" nomppe require-mppe-128
    GUEST_SCRIPT=-
    mx_boot || return 1
    mx_upppd_wait 60
    up_rc=$?
    vm_wait pppd 60
    vm_rc=$(vm_result pppd pppd-exit rc)
    mx_check "pppd: no link" mx_not vm_result pppd link-up
    mx_check "upppd: no IP" mx_not up_grep '^remote IP address'
    # upppd (nomppe) rejects pppd's MPPE option and asks for an empty CCP;
    # pppd, MPPE required, gives up on the Configure-Reject and closes LCP.
    mx_check "upppd: CCP ConfRej of pppd's mppe option" \
        up_grep '^sent \[CCP ConfRej id=0x[0-9a-f]+ <mppe \+H -M \+S -L -D -C>\]$'
    mx_check "pppd: MPPE required but peer refused" mx_vm_grep pppd '^MPPE required but peer refused$'
    mx_check "pppd: TermReq with that reason" \
        mx_vm_grep pppd '^sent \[LCP TermReq id=0x[0-9a-f]+ "MPPE required but peer refused"\]$'
    mx_check "upppd: peer requested termination: MPPE required but peer refused" \
        up_grep '^Connection terminated: peer requested termination: MPPE required but peer refused$'
    mx_check "pppd exit 10 (negotiation failed)" mx_eq "$vm_rc" 10
    mx_check "upppd exit 16 (hung up by peer)" mx_eq "$up_rc" 16
    mx_check "upppd: summary says exit $up_rc" mx_eq "$(up_summary_field exit)" "$up_rc"
    detail="boot ${t_boot}s"
}

# The client has the wrong password: authenticator 11, client 19.
case_wrongpass() {
    local role=$1
    if [[ $role == c ]]; then
        mx_configs c v2 128 stateless wrongpass "$PASSWORD" "" ""
    else
        mx_configs a v2 128 stateless "$PASSWORD" wrongpass "" ""
    fi
    GUEST_SCRIPT=-
    mx_boot || return 1
    mx_upppd_wait 60
    up_rc=$?
    vm_wait pppd 60
    vm_rc=$(vm_result pppd pppd-exit rc)
    mx_check "pppd: no link" mx_not vm_result pppd link-up
    mx_check "upppd: no IP" mx_not up_grep '^remote IP address'
    if [[ $role == c ]]; then
        mx_check "pppd: sent CHAP Failure E=691" \
            mx_vm_grep pppd '^sent \[CHAP Failure id=0x[0-9a-f]+ "E=691 R=1 .* M=Access denied"\]$'
        mx_check "pppd: Peer testuser failed CHAP authentication" \
            mx_vm_grep pppd '^Peer testuser failed CHAP authentication$'
        # pppd would log the M= text here ("...failed: Access denied");
        # upppd logs it as "Remote message" and names the error code.
        mx_check "upppd: Remote message: Access denied" up_grep '^Remote message: Access denied$'
        mx_check "upppd: MS-CHAP authentication failed: E=691" \
            up_grep '^MS-CHAP authentication failed: E=691 Authentication failure$'
        mx_check "pppd exit 11 (peer failed to authenticate)" mx_eq "$vm_rc" 11
        mx_check "upppd exit 19 (failed to authenticate to peer)" mx_eq "$up_rc" 19
    else
        mx_check "upppd: sent CHAP Failure E=691" \
            up_grep '^sent \[CHAP Failure id=0x[0-9a-f]+ "E=691 R=0 C=[0-9A-F]{32} V=3 M=Authentication failed"\]$'
        mx_check "upppd: Peer testuser failed CHAP authentication" \
            up_grep '^Peer testuser failed CHAP authentication$'
        mx_check "pppd: MS-CHAP authentication failed: Authentication failed" \
            mx_vm_grep pppd '^MS-CHAP authentication failed: Authentication failed$'
        mx_check "pppd: CHAP authentication failed" mx_vm_grep pppd '^CHAP authentication failed$'
        mx_check "upppd exit 11 (peer failed to authenticate)" mx_eq "$up_rc" 11
        mx_check "pppd exit 19 (failed to authenticate to peer)" mx_eq "$vm_rc" 19
    fi
    mx_check "upppd: summary says exit $up_rc" mx_eq "$(up_summary_field exit)" "$up_rc"
    detail="boot ${t_boot}s"
}

# run_one SPEC: one case, in a subshell of its own (its own VM, namespace
# and EXIT trap). Writes $MX_TMP/NAME.result: PASS|FAIL NAME SECONDS DETAIL.
run_one() {
    local name kind role auth bits mode killer
    read -r name kind role auth bits mode killer <<<"$1"
    CASE_DIR=$MX_TMP/$name
    mkdir -p "$CASE_DIR"
    VM_RUNDIR=$CASE_DIR
    VM_SKIP_SETUP=1 vm_init || return 1
    trap 'mx_ns_down; [[ -n ${UP_PID:-} ]] && kill -KILL "$UP_PID" 2>/dev/null; vm_cleanup' EXIT
    local case_ok=1 detail="" t0 t_boot='?' t_up='?' t_test='?' t_term='?' lossy=0 seed
    local up_rc vm_rc host_ping56 host_pingmtu host_mtu host_send host_recv host_send_secs
    [[ $kind == lossy ]] && lossy=1
    # A fixed seed per case (cksum of the name): a failure can be replayed.
    seed=$(cksum <<<"$name" | cut -d' ' -f1)
    echo "== $name: $kind, upppd is the $([[ $role == c ]] && echo client || echo authenticator)," \
        "auth $auth, MPPE $bits $mode, SIGTERM to $killer"
    t0=$(now)
    mx_ns_up "mx$$-$name" || { echo "  FAIL cannot create a network namespace"; case_ok=0; }
    if ((case_ok)); then
        case $kind in
        link | lossy) case_link "$role" "$auth" "$bits" "$mode" "$killer" || case_ok=0 ;;
        refused) case_refused "$role" || case_ok=0 ;;
        wrongpass) case_wrongpass "$role" || case_ok=0 ;;
        esac
    fi
    local secs
    secs=$(since "$t0")
    echo "  time ${secs}s: $detail"
    if ((case_ok)); then
        echo "PASS $name ${secs}s ($detail)" >"$MX_TMP/$name.result"
    else
        mx_dump_case
        echo "FAIL $name ${secs}s ($detail)" >"$MX_TMP/$name.result"
    fi
}

cr_cli "$0" "$@"
selected=("${CR_SELECTED[@]}")
jobs=$CR_SLOTS

if [[ $(id -u) != 0 || ! -c /dev/net/tun ]]; then
    echo "matrix.sh: needs root and /dev/net/tun (network namespaces, TUN)" >&2
    exit 2
fi
for b in "$MX_UPPPD" "$MX_RELAY"; do
    [[ -x $b ]] || { echo "matrix.sh: $b missing: run ./scripts/build.sh normal" >&2; exit 2; }
done
INTEROP_CACHE=${INTEROP_CACHE:-$root/build/interop-cache}
export INTEROP_CACHE
bash "$here/setup-vm.sh" || exit 1

MX_TMP=$(mktemp -d /tmp/upppd-mx.XXXXXX)
cleanup_all() {
    local p
    for p in $(jobs -p); do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [[ ${MATRIX_KEEP:-0} == 1 ]]; then
        echo "kept $MX_TMP"
    else
        rm -rf "$MX_TMP"
    fi
}
trap cleanup_all EXIT

T0=$(now)
echo "interop matrix: ${#selected[@]} cases, $jobs at a time, upppd $MX_UPPPD"
CR_TMP=$MX_TMP CR_VERBOSE=${MATRIX_VERBOSE:-0} cr_run "$jobs" cr_one_slot
echo
echo "total $(since "$T0")s"
echo "$CR_PASSED passed, $CR_FAILED failed"
((CR_FAILED == 0))
