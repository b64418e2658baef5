# shellcheck shell=bash
# Helpers for matrix.sh: upppd on the host, in a network namespace of its
# own with its TUN there, talking to one guest's pppd through the guest's
# ttyS1 socket. Source after vm-lib.sh. Every function works on the current
# case's globals:
#   CASE_DIR   the case's directory (configs, logs; VM_RUNDIR too)
#   MX_NS      the network namespace (mx_ns_up creates it)
#   UP_PID     upppd's pid (mx_upppd_start), UP_LOG its debug log
#   case_ok    0 once a check failed
#
#   mx_ns_up NAME / mx_ns_down          namespace with lo up; remove it and
#                                       kill what still runs in it
#   mx_upppd_start PTY_COMMAND OPTION...
#                                       upppd nodetach debug, secrets in
#                                       CASE_DIR/upppd-etc, pid files in
#                                       CASE_DIR/upppd-run
#   mx_upppd_wait TIMEOUT               upppd's exit status (124: killed)
#   mx_wait_up TIMEOUT                  until ppp0 in MX_NS is up with its
#                                       peer address
#   mx_check DESCRIPTION COMMAND...     one assertion
#   up_grep ERE / up_count ERE          upppd's log
#   vm_count NAME ERE                   the guest's console
#   mx_in_ns COMMAND...                 run in MX_NS

MX_UPPPD=${UPPPD:-}

mx_ns_up() {
    MX_NS=$1
    ip netns del "$MX_NS" 2>/dev/null
    ip netns add "$MX_NS" || return 1
    ip -n "$MX_NS" link set lo up
}

mx_ns_down() {
    [[ -n ${MX_NS:-} ]] || return 0
    local p
    for p in $(ip netns pids "$MX_NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    ip netns del "$MX_NS" 2>/dev/null
    MX_NS=
}

mx_in_ns() { ip netns exec "$MX_NS" "$@"; }

mx_upppd_start() {
    local pty=$1
    shift
    UP_LOG=$CASE_DIR/upppd.log
    mkdir -p "$CASE_DIR/upppd-etc" "$CASE_DIR/upppd-run"
    chmod 600 "$CASE_DIR"/upppd-etc/*secrets 2>/dev/null
    : >"$UP_LOG"
    echo "upppd $* pty \"$pty\"" >"$CASE_DIR/upppd.cmd"
    # ip netns exec execs upppd, so $! is upppd's own pid. logfile and
    # standard output both get the log; the file is the one we read.
    UPPPD_ETC=$CASE_DIR/upppd-etc UPPPD_RUNDIR=$CASE_DIR/upppd-run \
        ip netns exec "$MX_NS" "$MX_UPPPD" nodetach debug logfile "$UP_LOG" "$@" pty "$pty" \
        </dev/null >"$CASE_DIR/upppd.out" 2>&1 &
    UP_PID=$!
    date +%s.%N >"$CASE_DIR/upppd-start-time"
}

mx_upppd_wait() {
    local end=$((SECONDS + $1))
    [[ -n ${UP_PID:-} ]] || return 1
    while kill -0 "$UP_PID" 2>/dev/null; do
        if ((SECONDS >= end)); then
            echo "upppd still running after $1 s: killed" >>"$UP_LOG"
            kill -KILL "$UP_PID" 2>/dev/null
            wait "$UP_PID" 2>/dev/null
            UP_PID=
            return 124
        fi
        sleep 0.05
    done
    wait "$UP_PID"
    local rc=$?
    UP_PID=
    return $rc
}

mx_wait_up() {
    local end=$((SECONDS + $1))
    while ((SECONDS < end)); do
        if grep -q '^remote IP address' "$UP_LOG" 2>/dev/null &&
            mx_in_ns ip -o addr show dev ppp0 2>/dev/null | grep -q ' peer ' &&
            mx_in_ns ip -o link show dev ppp0 2>/dev/null | grep -q '[<,]UP[,>]'; then
            return 0
        fi
        kill -0 "$UP_PID" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

mx_check() {
    local what=$1
    shift
    if "$@"; then
        echo "  ok   $what"
    else
        echo "  FAIL $what"
        # shellcheck disable=SC2034 # the caller's (run_one's) variable
        case_ok=0
    fi
}
mx_eq() { [[ $1 == "$2" ]] || { echo "       got '$1', want '$2'"; return 1; }; }
mx_gt() {
    if [[ $1 =~ ^[0-9]+$ ]] && (($1 > $2)); then return 0; fi
    echo "       got '$1', want > $2"
    return 1
}
mx_ge() {
    if [[ $1 =~ ^[0-9]+$ ]] && (($1 >= $2)); then return 0; fi
    echo "       got '$1', want >= $2"
    return 1
}
mx_not() { ! "$@"; }

up_grep() { grep -qE "$1" "$UP_LOG"; }
up_count() { grep -cE "$1" "$UP_LOG"; }
vm_count() { tr -d '\r' <"$(vm_log "$1")" | grep -cE "$2"; }
# The last line matching ERE, with the part matched by the sed expression
# PREFIX removed (e.g. the direction of a logged packet).
# Reset-Requests sent in a log read on stdin that the peer could answer:
# every one but a last that no Reset-Ack followed before a Terminate-Request
# (sent or received). Such a request crossed the peer's teardown: pppd had
# already closed CCP (SIGTERM closes it first) when it arrived. Prints
# "COUNT CROSSED" (CROSSED 0 or 1).
rreq_answerable() {
    tr -d '\r' | awk '
        /^sent \[CCP ResetReq/ { n++; open = 1; next }
        /^rcvd \[CCP ResetAck/ { open = 0; next }
        /^(sent|rcvd) \[(LCP|CCP) TermReq/ { if (open) crossed = 1; exit }
        END { print n - crossed, crossed + 0 }'
}
up_last() { grep -E "$1" "$UP_LOG" | tail -1; }
vm_last() { tr -d '\r' <"$(vm_log "$1")" | grep -E "$2" | tail -1; }

# upppd's summary line: "summary: connect Ns, sent B bytes P packets,
# received B bytes P packets, mppe 128 stateful, exit 16 (reason)".
up_summary() { grep -E '^summary: ' "$UP_LOG" | tail -1; }
up_summary_field() {
    local s
    s=$(up_summary)
    case $1 in
    sent_packets) sed -n 's/.* sent [0-9]* bytes \([0-9]*\) packets.*/\1/p' <<<"$s" ;;
    rcvd_packets) sed -n 's/.* received [0-9]* bytes \([0-9]*\) packets.*/\1/p' <<<"$s" ;;
    mppe) sed -n 's/.*, mppe \([^,]*\), exit .*/\1/p' <<<"$s" ;;
    exit) sed -n 's/.*, exit \([0-9]*\) .*/\1/p' <<<"$s" ;;
    esac
}

mx_dump_case() {
    echo "==== upppd command: $(cat "$CASE_DIR/upppd.cmd" 2>/dev/null)"
    echo "==== upppd log ($UP_LOG) ===="
    cat "$UP_LOG" 2>/dev/null
    if [[ -s $CASE_DIR/upppd.out ]] && ! cmp -s "$CASE_DIR/upppd.out" "$UP_LOG"; then
        echo "==== upppd standard output/error ===="
        cat "$CASE_DIR/upppd.out"
    fi
    echo "==== end of upppd log ===="
    if [[ -s $CASE_DIR/relay.log ]]; then
        echo "==== hdlc-relay log ===="
        cat "$CASE_DIR/relay.log"
    fi
    echo "==== pppd options ===="
    cat "$CASE_DIR/pppd.options"
    vm_dump pppd
}
# vm_grep without the console's carriage returns, so ERE may end in $.
# Not grep -q: under pipefail, tr killed by SIGPIPE after an early match
# would turn the match into a failure.
mx_vm_grep() { tr -d '\r' <"$(vm_log "$1")" | grep -E "$2" >/dev/null; }
