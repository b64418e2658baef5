#!/usr/bin/env bash
# The RADIUS load benchmark of issue 12: a FreeRADIUS 3.2 of our own on
# loopback (tests/radius/freeradius.sh), then radius-bench with 200
# MS-CHAPv2 + MPPE-128 sessions authenticating at once from one process
# (the daemon's session and RADIUS code on one event loop, each session
# against a peer over a socketpair). Prints radius-bench's key=value line:
#   radius_auth sessions=200 ... p50_ms=N p99_ms=N ...
# Usage: bench/radius_bench.sh BUILD_DIR [SESSIONS]
set -eu
BUILD=$(cd "${1:?usage: radius_bench.sh BUILD_DIR [SESSIONS]}" && pwd)
N=${2:-200}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../tests/radius/freeradius.sh"
T=$(mktemp -d /tmp/upppd-radius-bench.XXXXXX)
trap 'fr_stop "$T/fr"; rm -rf "$T"' EXIT
P=$(( (RANDOM % 10000) * 2 + 30000 ))
fr_start "$T/fr" "$P" bench-secret
cat >"$T/radiusclient.conf" <<CONF
authserver 127.0.0.1:$P
acctserver 127.0.0.1:$((P + 1))
servers $T/servers
dictionary /etc/freeradius/3.0/dictionary
radius_timeout 3
radius_retries 3
CONF
echo "127.0.0.1 bench-secret" >"$T/servers"
"$BUILD/radius-bench" --config "$T/radiusclient.conf" --method mschap-v2 --user alice \
    --password alice-pw --mppe --sessions "$N" --timeout 60
