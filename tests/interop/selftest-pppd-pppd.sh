#!/usr/bin/env bash
# Proves the VM harness with no upppd involved: real pppd 2.4.9 in VM "A"
# (authenticator) against real pppd in VM "P" (authenticated peer), their
# ttyS1 lines joined by socat. Asserts from both consoles: the MPPE mode,
# pings both ways (56 bytes and MTU-sized), a TCP transfer with matching MD5,
# a clean termination started by the host through A's control line, and
# both pppd exit codes. Prints timings per case.
#
# usage: selftest-pppd-pppd.sh [CASE...]   (default: v2-mppe128)
#   v2-mppe128            require-mschap-v2 + require-mppe-128, 256 KiB A->P
#   v2-mppe128-stateful   same, both sides with mppe-stateful: still stateless
#                         (pppd only ever requests stateless itself)
#   v1-mppe128            require-mschap + require-mppe-128
#   v2-wrongpass          P has the wrong password: CHAP Failure, exits 11/19
#   all                   every case above, one after the other
# Env: INTEROP_CACHE, VM_KEEP=1 (keep logs), NC_BYTES (default 262144),
#   SELFTEST_START=control (default: P starts first, silent, then A) or boot
#   (both pppds start as soon as their VM has booted: first frames race).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-lib.sh
. "$here/vm-lib.sh"
vm_init || exit 1

nc_bytes=${NC_BYTES:-262144}
passed=0 failed=0
summary=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# check DESCRIPTION COMMAND...: one assertion; failures are listed and make
# the case fail.
check() {
    local what=$1
    shift
    if "$@"; then
        echo "  ok   $what"
    else
        echo "  FAIL $what"
        case_ok=0
    fi
}
eq() { [[ $1 == "$2" ]] || { echo "       got '$1', want '$2'" >&2; return 1; }; }

# setup_case NAME AUTH_OPT EXTRA_A EXTRA_P P_PASSWORD: write both sides'
# options, secrets and guest scripts under $d.
setup_case() {
    local name=$1 auth_opt=$2 extra_a=$3 extra_p=$4 p_pass=$5
    d=$VM_RUNDIR/$name
    mkdir -p "$d/A-secrets" "$d/P-secrets"
    echo "== case $name"
    # Credentials as in shared/captures.
    printf 'testuser pppd-auth testpass123 *\n' >"$d/A-secrets/chap-secrets"
    printf 'testuser pppd-auth %s *\n' "$p_pass" >"$d/P-secrets/chap-secrets"
    cat >"$d/A.options" <<EOF
debug
local
name pppd-auth
$auth_opt
require-mppe-128
$extra_a
192.0.2.1:192.0.2.2
EOF
    cat >"$d/P.options" <<EOF
debug
local
name testuser
remotename pppd-auth
noauth
noipdefault
require-mppe-128
$([[ $start == control ]] && echo silent)
$extra_p
EOF
    # A: ping P, then send NC_BYTES to P (P listens; A retries the connect).
    cat >"$d/A.sh" <<EOF
pppvm_ping \$PPPVM_REMOTE 3
pppvm_mtu_ping \$PPPVM_REMOTE 3
pppvm_nc_send \$PPPVM_REMOTE 5001 $nc_bytes 120
EOF
    # P: listen first, then ping A meanwhile; report after both.
    cat >"$d/P.sh" <<'EOF'
pppvm_nc_recv 5001 120 &
pppvm_ping $PPPVM_REMOTE 3
pppvm_mtu_ping $PPPVM_REMOTE 3
wait
EOF
}

# boot_pair NAME: boot A and P, link them, start both pppds; sets t0, t_a,
# t_p (VM booted), t_start (both pppds started).
boot_pair() {
    local name=$1
    t0=$(now)
    vm_start "$name-A" "$d/A.options" "$d/A-secrets" "$d/A.sh" TIMEOUT=200 START="$start" || return 1
    vm_start "$name-P" "$d/P.options" "$d/P-secrets" "$d/P.sh" TIMEOUT=200 START="$start" || return 1
    # Both sockets exist now and neither guest has booted.
    vm_link "$name-A" "$name-P"
    if [[ $start == control ]]; then
        # Frames that reach a port pppd has not opened yet are lost, and pppd
        # resends its Configure-Request only after 3 s. So: P (silent: it
        # sends nothing until it hears LCP) opens its port first, then A
        # starts and is answered at once.
        vm_wait_marker "$name-A" ready 60 && t_a=$(since "$t0")
        vm_wait_marker "$name-P" ready 60 && t_p=$(since "$t0")
        vm_control "$name-P" start
        vm_wait_grep "$name-P" '^Connect: ppp0' 30
        vm_control "$name-A" start
    else
        vm_wait_marker "$name-A" pppd-start 60 && t_a=$(since "$t0")
        vm_wait_marker "$name-P" pppd-start 60 && t_p=$(since "$t0")
    fi
    t_start=$(since "$t0")
}

finish_case() {
    local name=$1 timing=$2
    echo "  time $timing"
    if ((case_ok)); then
        passed=$((passed + 1))
        summary+=("PASS $name: $timing")
    else
        failed=$((failed + 1))
        summary+=("FAIL $name: $timing")
        vm_dump "$name-A"
        vm_dump "$name-P"
    fi
}

boot_uptime() { vm_result "$1" ready uptime || vm_result "$1" pppd-start uptime; }
no_marker() { ! vm_result "$1" "$2" >/dev/null; }

# run_case NAME AUTH_OPT EXTRA_A EXTRA_P MODE: a session that must work.
run_case() {
    local name=$1 mode=$5 d t0 t_a t_p t_start t_up=- t_test t_total case_ok=1
    local start=${SELFTEST_START:-control}
    setup_case "$1" "$2" "$3" "$4" testpass123
    boot_pair "$name" || return 1
    vm_wait_marker "$name-A" link-up 60 && vm_wait_marker "$name-P" link-up 60 && t_up=$(since "$t0")
    vm_wait_marker "$name-A" test-exit 200
    vm_wait_marker "$name-P" test-exit 200
    t_test=$(since "$t0")
    # The host ends the session from the authenticator's side, as the later
    # matrix does when it makes pppd hang up first.
    vm_control "$name-A" "signal TERM"
    vm_wait "$name-A" 30
    vm_wait "$name-P" 30
    t_total=$(since "$t0")

    local a=$name-A p=$name-P
    check "A: MPPE 128-bit $mode" vm_grep "$a" "^MPPE 128-bit $mode compression enabled"
    check "P: MPPE 128-bit $mode" vm_grep "$p" "^MPPE 128-bit $mode compression enabled"
    check "A: addresses" eq "$(vm_result "$a" link-up local) $(vm_result "$a" link-up remote)" "192.0.2.1 192.0.2.2"
    check "P: addresses" eq "$(vm_result "$p" link-up local) $(vm_result "$p" link-up remote)" "192.0.2.2 192.0.2.1"
    check "A->P ping 56 and MTU-sized" eq "$(grep -c '^PPPVM: ping-ok target=192.0.2.2' <(tr -d '\r' <"$(vm_log "$a")"))" 2
    check "P->A ping 56 and MTU-sized" eq "$(grep -c '^PPPVM: ping-ok target=192.0.2.1' <(tr -d '\r' <"$(vm_log "$p")"))" 2
    check "A->P nc $nc_bytes bytes, same MD5" eq \
        "$(vm_result "$p" nc-recv bytes) $(vm_result "$p" nc-recv md5)" \
        "$nc_bytes $(vm_result "$a" nc-sent md5)"
    check "A: test script rc" eq "$(vm_result "$a" test-exit rc)" 0
    check "P: test script rc" eq "$(vm_result "$p" test-exit rc)" 0
    check "A: pppd exit 5 (terminated by signal)" eq "$(vm_result "$a" pppd-exit rc)" 5
    check "P: pppd exit 16 (hung up by peer)" eq "$(vm_result "$p" pppd-exit rc)" 16
    check "P: LCP terminated by peer" vm_grep "$p" "^LCP terminated by peer"

    local secs bps=- timing
    secs=$(vm_result "$a" nc-sent secs)
    [[ -n $secs ]] && bps=$(awk -v n="$nc_bytes" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
    timing="boot wall A=${t_a:-?}s P=${t_p:-?}s (guest uptime A=$(boot_uptime "$a") P=$(boot_uptime "$p"));"
    timing+=" both pppd started ${t_start}s; link up ${t_up}s; tests done ${t_test}s; nc ${secs:-?}s (${bps} B/s); total ${t_total}s"
    finish_case "$name" "$timing"
}

# run_wrongpass NAME AUTH_OPT: P has the wrong password; both must give up.
run_wrongpass() {
    local name=$1 d t0 t_a t_p t_start t_total case_ok=1
    local start=${SELFTEST_START:-control}
    setup_case "$1" "$2" "" "" wrongpass
    boot_pair "$name" || return 1
    vm_wait "$name-A" 60
    vm_wait "$name-P" 60
    t_total=$(since "$t0")
    local a=$name-A p=$name-P
    check "A: no link" no_marker "$a" link-up
    check "P: no link" no_marker "$p" link-up
    check "A: sent CHAP Failure E=691" vm_grep "$a" '^sent \[CHAP Failure id=0x[0-9a-f]+ "E=691 R=1 '
    check "A: peer failed to authenticate" vm_grep "$a" '^Peer testuser failed CHAP authentication'
    check "P: CHAP authentication failed" vm_grep "$p" '^CHAP authentication failed'
    check "A: pppd exit 11 (peer failed to authenticate)" eq "$(vm_result "$a" pppd-exit rc)" 11
    check "P: pppd exit 19 (failed to authenticate to peer)" eq "$(vm_result "$p" pppd-exit rc)" 19
    finish_case "$name" "boot wall A=${t_a:-?}s P=${t_p:-?}s; both pppd started ${t_start}s; total ${t_total}s"
}

cases=("$@")
((${#cases[@]})) || cases=(v2-mppe128)
[[ ${cases[0]} == all ]] && cases=(v2-mppe128 v2-mppe128-stateful v1-mppe128 v2-wrongpass)
for c in "${cases[@]}"; do
    case $c in
    v2-mppe128) run_case "$c" require-mschap-v2 "" "" stateless ;;
    v2-mppe128-stateful) run_case "$c" require-mschap-v2 mppe-stateful mppe-stateful stateless ;;
    v1-mppe128) run_case "$c" require-mschap "" "" stateless ;;
    v2-wrongpass) run_wrongpass "$c" require-mschap-v2 ;;
    *) echo "unknown case $c" >&2; exit 2 ;;
    esac
done
echo
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
((failed == 0))
