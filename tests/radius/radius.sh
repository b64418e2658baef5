#!/usr/bin/env bash
# RADIUS against a real FreeRADIUS 3.2 (issue 12). Starts freeradius from a
# configuration in a temporary directory on loopback ports of its own and
# stops it by PID. Cases:
#   auth-*        PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2 accepted and rejected
#                 (radius-bench: the daemon's sessions and RADIUS module);
#                 MS-CHAP with MPPE-128 keyed from the server's keys, a
#                 packet each way, the address from Framed-IP-Address
#   policy        MS-MPPE-Encryption-Policy/Types from the server enforced
#   load          300 MS-CHAPv2 sessions at once (more than 256 wait in
#                 line), every one MPPE-128, a Start and a Stop each
#   accounting    Start and Stop in the detail file with the Class echoed
#                 and the octets the session counted
#   no-ma         an Access-Accept without Message-Authenticator is dropped
#                 and logged; radius-allow-no-message-authenticator takes it
#   bad-secret    answers that fail the authenticator check are dropped,
#                 logged, and the peer fails when the retries run out
#   failover      first server silent: the second answers
#   server-down   every server down: one log line for three sessions, all
#                 refused; a running session outlives its server
#   e2e           (root) upppd with plugin radius.so <-> upppd client over a
#                 pty in two namespaces: MPPE-128, ping, accounting Stop
#                 with the daemon's byte counts and Admin-Reset; a
#                 Session-Timeout from the server ends the link (exit 13)
# Usage: radius.sh BUILD_DIR   (exit 77 when freeradius is missing)
set -u
BUILD=$(cd "${1:?usage: radius.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$BUILD/radius-bench
UPPPD=$BUILD/daemon/upppd
. "$HERE/freeradius.sh"
command -v freeradius >/dev/null || command -v radiusd >/dev/null || {
    echo "SKIP: freeradius not installed (scripts/setup.sh)"
    exit 77
}

T=$(mktemp -d /tmp/upppd-radius.XXXXXX)
PASS=0
FAIL=0
FR_DIRS=()
cleanup() {
    for d in "${FR_DIRS[@]}"; do fr_stop "$d"; done
    [ -n "${NS:-}" ] && { ip netns pids "$NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null; ip netns del "$NS" 2>/dev/null; }
    [ -n "${NS_B:-}" ] && { ip netns pids "$NS_B" 2>/dev/null | xargs -r kill -KILL 2>/dev/null; ip netns del "$NS_B" 2>/dev/null; }
    [ -z "${RADIUS_KEEP:-}" ] && rm -rf "$T"
}
trap cleanup EXIT

ok() { echo "PASS $1"; PASS=$((PASS + 1)); }
bad() { echo "FAIL $1: $2"; FAIL=$((FAIL + 1)); }

# A free even port pair on loopback (auth, auth+1 accounting).
free_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( (RANDOM % 10000) * 2 + 30000 ))
        if ! ss -Hlun "( sport = :$p or sport = :$((p + 1)) )" | grep -q .; then
            echo "$p"
            return
        fi
    done
    echo 31812
}

# client_conf FILE AUTHSERVERS ACCTSERVERS SECRET [TIMEOUT RETRIES]
client_conf() {
    local f=$1 dir
    dir=$(dirname "$f")
    cat >"$f" <<EOF
# radiusclient.conf as pppd 2.4.9's radius plugin reads it
auth_order	radius
login_tries	4
login_timeout	60
nologin /etc/nologin
issue	/etc/radiusclient/issue
authserver	$2
acctserver	$3
servers		$dir/servers
dictionary	/etc/freeradius/3.0/dictionary
login_radius	/usr/sbin/login.radius
seqfile		/var/run/radius.seq
mapfile		/etc/radiusclient/port-id-map
default_realm
radius_timeout	${5:-2}
radius_retries	${6:-2}
nas_identifier	upppd-test
EOF
    : >"$dir/servers"
    for s in $(echo "$2 $3" | tr ',' ' '); do
        echo "${s%%:*} $4" >>"$dir/servers"
    done
}

# ---- one FreeRADIUS that signs its answers -------------------------------
P=$(free_port)
FR=$T/fr
FR_DIRS+=("$FR")
fr_start "$FR" "$P" s3cret-fr || { echo "cannot start freeradius"; exit 1; }
C=$T/c1/radiusclient.conf
mkdir -p "$T/c1"
client_conf "$C" "127.0.0.1:$P" "127.0.0.1:$((P + 1))" s3cret-fr

for m in pap chap mschap mschap-v2; do
    mppe=""
    [ "${m#mschap}" != "$m" ] && mppe=--mppe
    out=$("$BENCH" --config "$C" --method $m --user alice --password alice-pw $mppe \
        --want-ip 10.77.0.2 --timeout 20 2>"$T/$m.err")
    if [ $? -eq 0 ]; then ok "auth-$m-accept ($out)"; else bad "auth-$m-accept" "$out $(cat "$T/$m.err")"; fi
    out=$("$BENCH" --config "$C" --method $m --user bob --password not-bobs --expect reject \
        --timeout 20 2>"$T/$m.rej.err")
    if [ $? -eq 0 ]; then ok "auth-$m-reject"; else bad "auth-$m-reject" "$out $(cat "$T/$m.rej.err")"; fi
done

# ---- policy: MPPE only allowed on both ends; the server's
# MS-MPPE-Encryption-Policy (required) and -Types (128) make it MPPE-128 ----
out=$("$BENCH" --config "$C" --method mschap-v2 --user alice --password alice-pw \
    --mppe-from-radius --timeout 20 2>"$T/policy.err")
if [ $? -eq 0 ] && echo "$out" | grep -q "mppe_bits=128"; then
    ok "policy enforced (MPPE-128 required by the server)"
else
    bad policy "$out $(head -5 "$T/policy.err")"
fi

# ---- load: 300 sessions at once from one process (more than the 256
# Identifiers: the rest wait in line), Start and Stop for every one --------
# Records per Acct-Session-Id, not lines: a retransmission the server
# answered twice (after its cleanup_delay) is one record written twice.
ids() { awk -v RS= -v t="$1" '$0 ~ "Acct-Status-Type = " t { if (match($0, /Acct-Session-Id = "[0-9A-F]*"/)) print substr($0, RSTART, RLENGTH) }' "$FR/acct/detail" 2>/dev/null | sort -u | wc -l; }
starts0=$(ids Start)
stops0=$(ids Stop)
out=$("$BENCH" --config "$C" --method mschap-v2 --user alice --password alice-pw --mppe \
    --sessions 300 --timeout 60 2>"$T/load.err")
rc=$?
starts=$(( $(ids Start) - starts0 ))
stops=$(( $(ids Stop) - stops0 ))
[ $rc -eq 0 ] && { [ $starts != 300 ] || [ $stops != 300 ]; } && rc=1
if [ $rc -eq 0 ]; then ok "load ($out; $starts Start, $stops Stop)"; else bad load "$out; $starts Start, $stops Stop; $(head -5 "$T/load.err")"; fi

# ---- accounting: the last accepted MS-CHAPv2 session's Start and Stop ----
out=$("$BENCH" --config "$C" --method mschap-v2 --user alice --password alice-pw --mppe 2>/dev/null)
bin=$(echo "$out" | sed -n 's/.*bytes_in=\([0-9]*\).*/\1/p')
bout=$(echo "$out" | sed -n 's/.*bytes_out=\([0-9]*\).*/\1/p')
D=$FR/acct/detail
stop=$(awk -v RS= '/Acct-Status-Type = Stop/ { last = $0 } END { print last }' "$D" 2>/dev/null)
if grep -q "Acct-Status-Type = Start" "$D" 2>/dev/null &&
    echo "$stop" | grep -q "Acct-Input-Octets = $bin\$" &&
    echo "$stop" | grep -q "Acct-Output-Octets = $bout\$" &&
    echo "$stop" | grep -q "Acct-Terminate-Cause = Lost-Carrier" &&
    echo "$stop" | grep -q 'Class = 0x75707070642d636c6173732d616c696365' &&
    echo "$stop" | grep -q 'Framed-IP-Address = 10.77.0.2' &&
    echo "$stop" | grep -q 'Calling-Station-Id = "192.0.2.1"'; then
    ok "accounting (in=$bin out=$bout)"
else
    bad accounting "bench said: $out; last Stop: $stop"
fi

# ---- an old server: no Message-Authenticator in its answers --------------
P2=$(free_port)
FR2=$T/fr-noma
FR_DIRS+=("$FR2")
fr_start "$FR2" "$P2" s3cret-old 0 || { echo "cannot start freeradius"; exit 1; }
mkdir -p "$T/c2"
C2=$T/c2/radiusclient.conf
client_conf "$C2" "127.0.0.1:$P2" "127.0.0.1:$((P2 + 1))" s3cret-old 1 2
"$BENCH" --config "$C2" --method pap --user alice --password alice-pw --expect reject \
    --timeout 20 >"$T/noma.out" 2>"$T/noma.err"
rc=$?
if [ $rc -eq 0 ] && grep -q "no Message-Authenticator" "$T/noma.err"; then
    ok "no-ma dropped and logged"
else
    bad no-ma "rc=$rc $(cat "$T/noma.out" "$T/noma.err")"
fi
if "$BENCH" --config "$C2" --method mschap-v2 --user alice --password alice-pw --mppe \
    --allow-no-ma --timeout 20 >"$T/noma2.out" 2>&1; then
    ok "no-ma accepted with radius-allow-no-message-authenticator"
else
    bad no-ma-allowed "$(cat "$T/noma2.out")"
fi

# ---- forged answers: a relay (forge_relay.py) flips one octet of every
# answer's Response Authenticator on its way back from FreeRADIUS ----------
RP=$(free_port)
python3 "$HERE/forge_relay.py" "$RP" "$P" 30 >"$T/relay.log" 2>&1 &
RELAY=$!
mkdir -p "$T/c3"
C3=$T/c3/radiusclient.conf
client_conf "$C3" "127.0.0.1:$RP" "127.0.0.1:$((P + 1))" s3cret-fr 1 2
for _ in $(seq 1 100); do
    ss -Hlun "sport = :$RP" | grep -q . && break
    sleep 0.1
done
"$BENCH" --config "$C3" --method chap --user alice --password alice-pw --expect reject \
    --timeout 20 >"$T/bad.out" 2>"$T/bad.err"
rc=$?
kill $RELAY 2>/dev/null
wait $RELAY 2>/dev/null
if [ $rc -eq 0 ] && grep -q "bad authenticator" "$T/bad.err"; then
    ok "bad-authenticator dropped and logged"
else
    bad bad-authenticator "rc=$rc $(cat "$T/bad.out" "$T/bad.err")"
fi

# ---- failover: a silent first server --------------------------------------
DEAD=$(free_port)
mkdir -p "$T/c4"
C4=$T/c4/radiusclient.conf
client_conf "$C4" "127.0.0.1:$DEAD,127.0.0.1:$P" "127.0.0.1:$((P + 1))" s3cret-fr 1 1
"$BENCH" -v --config "$C4" --method mschap-v2 --user alice --password alice-pw --mppe \
    --timeout 20 >"$T/fo.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q "trying server 1" "$T/fo.out"; then
    ok "failover ($(grep -o 'p50_ms=[0-9]*' "$T/fo.out"))"
else
    bad failover "rc=$rc $(cat "$T/fo.out")"
fi

# ---- every server down: one line for three sessions -----------------------
mkdir -p "$T/c5"
C5=$T/c5/radiusclient.conf
client_conf "$C5" "127.0.0.1:$DEAD" "127.0.0.1:$((DEAD + 1))" s3cret-fr 1 1
"$BENCH" --config "$C5" --method pap --user alice --password alice-pw --sessions 3 \
    --expect reject --timeout 20 >"$T/down.out" 2>"$T/down.err"
rc=$?
n=$(grep -c "no RADIUS server answered" "$T/down.err")
if [ $rc -eq 0 ] && [ "$n" = 1 ]; then
    ok "server-down: refused, one log line"
else
    bad server-down "rc=$rc lines=$n $(cat "$T/down.out" "$T/down.err")"
fi

# ---- a running session outlives its server --------------------------------
"$BENCH" --config "$C2" --allow-no-ma --method mschap-v2 --user alice --password alice-pw \
    --mppe --hold 2500 --timeout 20 >"$T/outlive.out" 2>"$T/outlive.err" &
bp=$!
sleep 1.5
fr_stop "$FR2"
wait $bp
rc=$?
if [ $rc -eq 0 ] && grep -q "traffic=ok" "$T/outlive.out" &&
    grep -q "accounting record .* lost" "$T/outlive.err"; then
    ok "server-down: the running session kept running"
else
    bad outlive "rc=$rc $(cat "$T/outlive.out" "$T/outlive.err")"
fi

# ---- e2e: two upppd over a pty, the server asking FreeRADIUS --------------
if [ "$(id -u)" = 0 ] && [ -x "$UPPPD" ]; then
    NS=upppd-rad-a-$$
    NS_B=upppd-rad-b-$$
    ip netns add "$NS" && ip netns add "$NS_B"
    ip -n "$NS" link set lo up
    ip -n "$NS_B" link set lo up
    FR3=$T/fr-ns
    FR_DIRS+=("$FR3")
    FR_NETNS=$NS fr_start "$FR3" 18120 s3cret-ns || bad e2e "freeradius in $NS"
    mkdir -p "$T/e2e/etc-a" "$T/e2e/etc-b" "$T/e2e/run-a" "$T/e2e/run-b"
    client_conf "$T/e2e/radiusclient.conf" 127.0.0.1:18120 127.0.0.1:18121 s3cret-ns
    # e2e_pair USER PASSWORD: A (plugin radius.so) in NS, B in NS_B on its pty.
    e2e_pair() {
        bcmd="env UPPPD_ETC=$T/e2e/etc-b UPPPD_RUNDIR=$T/e2e/run-b ip netns exec $NS_B $UPPPD notty logfile $T/e2e/b.log name $1 password $2 remotename nas noauth require-mppe-128 noipdefault"
        : >"$T/e2e/a.log"
        : >"$T/e2e/b.log"
        UPPPD_ETC=$T/e2e/etc-a UPPPD_RUNDIR=$T/e2e/run-a ip netns exec "$NS" "$UPPPD" nodetach \
            logfile "$T/e2e/a.log" name nas plugin radius.so radius-config-file "$T/e2e/radiusclient.conf" \
            avpair Called-Station-Id=upppd-e2e require-mschap-v2 require-mppe-128 10.77.0.1:10.77.0.99 \
            pty "$bcmd" 2>"$T/e2e/a.stderr" &
        A=$!
    }
    e2e_pair alice alice-pw
    up=0
    for _ in $(seq 1 100); do
        grep -q "remote IP address" "$T/e2e/a.log" 2>/dev/null &&
            grep -q "remote IP address" "$T/e2e/b.log" 2>/dev/null && { up=1; break; }
        kill -0 $A 2>/dev/null || break
        sleep 0.1
    done
    sleep 0.3
    if [ $up = 1 ] && grep -q "remote IP address 10.77.0.2" "$T/e2e/a.log" &&
        grep -q "MPPE 128-bit" "$T/e2e/a.log" &&
        ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 10.77.0.2 >"$T/e2e/ping" 2>&1; then
        kill -TERM $A
        wait $A
        sent=$(sed -n 's/.*Sent \([0-9]*\) bytes, received \([0-9]*\) bytes.*/\1/p' "$T/e2e/a.log")
        rcvd=$(sed -n 's/.*Sent \([0-9]*\) bytes, received \([0-9]*\) bytes.*/\2/p' "$T/e2e/a.log")
        stop=$(awk -v RS= '/Acct-Status-Type = Stop/ { last = $0 } END { print last }' "$FR3/acct/detail" 2>/dev/null)
        if echo "$stop" | grep -q "Acct-Input-Octets = $rcvd\$" &&
            echo "$stop" | grep -q "Acct-Output-Octets = $sent\$" &&
            echo "$stop" | grep -q "Acct-Terminate-Cause = Admin-Reset" &&
            echo "$stop" | grep -q 'Called-Station-Id = "upppd-e2e"' &&
            echo "$stop" | grep -q "NAS-Port-Type = Virtual"; then
            ok "e2e: MPPE-128 from RADIUS keys, ping, Stop with sent=$sent received=$rcvd"
        else
            bad e2e-accounting "daemon sent=$sent received=$rcvd; Stop: $stop"
        fi
    else
        kill -TERM $A 2>/dev/null
        wait $A 2>/dev/null
        bad e2e "link did not come up or ping failed: $(tail -20 "$T/e2e/a.log" "$T/e2e/b.log" "$T/e2e/ping" 2>/dev/null)"
    fi
    # Session-Timeout 2 from the server ends the link like maxconnect
    # (exit 13), and the Stop says Session-Timeout.
    e2e_pair carol carol-pw
    wait $A
    rc=$?
    stop=$(awk -v RS= '/Acct-Status-Type = Stop/ { last = $0 } END { print last }' "$FR3/acct/detail" 2>/dev/null)
    if [ $rc = 13 ] && echo "$stop" | grep -q 'User-Name = "carol"' &&
        echo "$stop" | grep -q "Acct-Terminate-Cause = Session-Timeout"; then
        ok "e2e: Session-Timeout ends the link (exit 13), Stop says so"
    else
        bad e2e-session-timeout "exit $rc; $(tail -5 "$T/e2e/a.log"); Stop: $stop"
    fi
else
    echo "SKIP e2e: needs root"
fi

echo "radius: $PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
