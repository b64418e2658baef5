#!/usr/bin/env bash
# The main job: set up, build, and run an encrypted PPP link between two
# upppd processes joined back to back through a pty, each with its TUN in a
# network namespace of its own. MS-CHAPv2 with a generated password, MPPE
# 128-bit stateful on one run and stateless on the other; ping across, show
# what was negotiated and the counters, clean up. Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
# UPPPD=path runs that binary without setting up or building (the test of
# this script does so); DEMO_KEEP=1 keeps the demo's directory.
if [ -n "${UPPPD:-}" ]; then
    UPPPD=$(readlink -f "$UPPPD")
else
    ./scripts/setup.sh
    ./scripts/build.sh normal >/dev/null
    UPPPD=$PWD/build/normal/daemon/upppd
fi

tmp=
NA=upppd-demo-server NB=upppd-demo-client
cleanup() {
    for ns in $NA $NB; do
        ip netns pids $ns 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del $ns 2>/dev/null || true
    done
    if [ -n "$tmp" ] && [ -z "${DEMO_KEEP:-}" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
cleanup 2>/dev/null || true
tmp=$(mktemp -d /tmp/upppd-demo.XXXXXX)
ip netns add $NA
ip netns add $NB

# The password is never printed (a terminal scrollback or a CI log would
# keep it): it goes into a 0600 file in the demo's directory, which is
# removed on exit with everything else.
umask 077
password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
printf '%s\n' "$password" >"$tmp/password"
for side in server client; do
    mkdir -p "$tmp/$side"
    printf 'client server "%s" *\n' "$password" >"$tmp/$side/chap-secrets"
    chmod 600 "$tmp/$side/chap-secrets"
done
unset password
chmod 600 "$tmp/password"
echo "== generated MS-CHAPv2 password for user 'client': in $tmp/password (mode 0600, removed at exit)"

for mode in stateful stateless; do
    echo
    echo "== MPPE-128 $mode"
    sopts="name server require-mschap-v2 require-mppe-128 10.99.0.1:10.99.0.2"
    copts="name client remotename server noauth require-mppe-128 noipdefault"
    if [ $mode = stateful ]; then
        sopts="$sopts mppe-stateful"
        copts="$copts request-mppe-stateful"
    fi
    UPPPD_ETC=$tmp/server UPPPD_RUNDIR=$tmp ip netns exec $NA "$UPPPD" nodetach debug \
        logfile "$tmp/server-$mode.log" $sopts \
        pty "env UPPPD_ETC=$tmp/client UPPPD_RUNDIR=$tmp ip netns exec $NB $UPPPD notty debug logfile $tmp/client-$mode.log $copts" &
    pid=$!
    for _ in $(seq 100); do
        grep -q "remote IP address" "$tmp/client-$mode.log" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.3
    echo "-- negotiated (server log):"
    grep -E "CHAP|MPPE .*enabled|IP address|MTU" "$tmp/server-$mode.log" | sed 's/^/   /'
    echo "-- server namespace:"
    ip -n $NA -br addr show ppp0 | sed 's/^/   /'
    echo "-- ping client -> server and server -> client (1400 bytes):"
    ip netns exec $NB ping -c 3 -i 0.2 10.99.0.1 | tail -n 2 | sed 's/^/   /'
    ip netns exec $NA ping -c 3 -i 0.2 -s 1400 10.99.0.2 | tail -n 2 | sed 's/^/   /'
    kill -TERM $pid
    wait $pid || true
    echo "-- counters:"
    grep -E "summary:|Reset|resync" "$tmp/server-$mode.log" "$tmp/client-$mode.log" |
        sed "s#$tmp/##; s/^/   /"
done
echo
echo "== done: both links encrypted (MPPE-128), ping OK, cleaned up"
