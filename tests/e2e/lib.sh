# Shared helpers for the upppd end-to-end tests: two network namespaces,
# two upppd processes joined back to back through `pty`, one TUN in each.
# Source it; needs root, iproute2, socat. Traffic stays inside the two
# namespaces we create.

: "${UPPPD:?set UPPPD to the upppd binary}"
E2E_TMP=$(mktemp -d /tmp/upppd-e2e.XXXXXX)
E2E_ID=$$
NS_A="upppd-e2e-a-$E2E_ID"
NS_B="upppd-e2e-b-$E2E_ID"
IP_A=10.77.0.1
IP_B=10.77.0.2
E2E_PASSED=0
E2E_FAILED=0
A_PID=

e2e_cleanup() {
    [ -n "$A_PID" ] && kill -KILL "$A_PID" 2>/dev/null
    for ns in "$NS_A" "$NS_B"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    if [ -z "${E2E_KEEP:-}" ]; then rm -rf "$E2E_TMP"; fi
}
trap e2e_cleanup EXIT

e2e_ns_up() {
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null
    ip netns add "$NS_A"
    ip netns add "$NS_B"
    ip -n "$NS_A" link set lo up
    ip -n "$NS_B" link set lo up
}

# e2e_secrets DIR CLIENT SERVER SECRET: a chap-secrets and pap-secrets line.
e2e_secrets() {
    mkdir -p "$1"
    printf '"%s" "%s" "%s" *\n' "$2" "$3" "$4" >"$1/chap-secrets"
    printf '"%s" "%s" "%s" *\n' "$2" "$3" "$4" >"$1/pap-secrets"
    chmod 600 "$1/chap-secrets" "$1/pap-secrets"
}

# e2e_start CASE "A options" "B options" [wrap]: A in NS_A runs B in NS_B
# on its pty. wrap, if given, is a command line with @CMD@ where B's
# command goes, put between A's pty and B (e.g. a socat that records the
# link). Logs: $E2E_TMP/CASE/{a,b}.log.
e2e_start() {
    local c=$1 aopts=$2 bopts=$3 wrap=${4:-}
    local d="$E2E_TMP/$c"
    mkdir -p "$d/run-a" "$d/run-b"
    local bcmd="env UPPPD_ETC=$d/etc-b UPPPD_RUNDIR=$d/run-b ip netns exec $NS_B $UPPPD notty logfile $d/b.log $bopts"
    if [ -n "$wrap" ]; then
        bcmd=${wrap//@CMD@/$bcmd}
    fi
    # shellcheck disable=SC2086
    UPPPD_ETC=$d/etc-a UPPPD_RUNDIR=$d/run-a ip netns exec "$NS_A" \
        $UPPPD nodetach logfile "$d/a.log" $aopts pty "$bcmd" 2>"$d/a.stderr" &
    A_PID=$!
}

# e2e_wait_up CASE SECONDS: until both logs show an IP address.
e2e_wait_up() {
    local d="$E2E_TMP/$1" t=$(( $2 * 10 ))
    while [ $t -gt 0 ]; do
        if grep -q "remote IP address" "$d/a.log" 2>/dev/null &&
            grep -q "remote IP address" "$d/b.log" 2>/dev/null; then
            # The interfaces are configured right after the log line.
            sleep 0.3
            return 0
        fi
        kill -0 "$A_PID" 2>/dev/null || return 1
        sleep 0.1
        t=$((t - 1))
    done
    return 1
}

# e2e_wait_exit SECONDS: A's exit status (or 124 on timeout).
e2e_wait_exit() {
    local t=$(( $1 * 10 ))
    while [ $t -gt 0 ] && kill -0 "$A_PID" 2>/dev/null; do
        sleep 0.1
        t=$((t - 1))
    done
    if kill -0 "$A_PID" 2>/dev/null; then
        kill -KILL "$A_PID"
        wait "$A_PID" 2>/dev/null
        A_PID=
        return 124
    fi
    wait "$A_PID"
    local st=$?
    A_PID=
    return $st
}

# B's exit status, from its summary line.
e2e_b_exit() {
    sed -n 's/.*summary: .* exit \([0-9]*\) .*/\1/p' "$E2E_TMP/$1/b.log" | tail -n 1
}

e2e_ok() {
    E2E_PASSED=$((E2E_PASSED + 1))
    echo "ok   $*"
}

e2e_fail() {
    E2E_FAILED=$((E2E_FAILED + 1))
    echo "FAIL $*"
    local d="$E2E_TMP/$1"
    for f in "$d/a.log" "$d/a.stderr" "$d/b.log"; do
        [ -f "$f" ] && { echo "---- $f"; tail -n 60 "$f"; }
    done
}

# e2e_result CASE "ERRORS" "OUTPUT": ok when ERRORS is empty, else FAIL
# with the tail of OUTPUT (for cases without a link, hence without logs).
e2e_result() {
    if [ -z "$2" ]; then
        e2e_ok "$1"
    else
        E2E_FAILED=$((E2E_FAILED + 1))
        echo "FAIL $1:$2"
        echo "$3" | tail -n 20
    fi
}

e2e_summary() {
    echo "$E2E_PASSED passed, $E2E_FAILED failed"
    [ "$E2E_FAILED" -eq 0 ]
}
