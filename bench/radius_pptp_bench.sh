#!/usr/bin/env bash
# RADIUS authentication latency through one upppd-pptpd (issue 12, "over
# PPTP"): FreeRADIUS and upppd-pptpd with plugin radius.so in one network
# namespace, N PPTP calls at once from pptp-probe in another (MS-CHAPv2,
# MPPE-128; the mschap module runs for each). The latency per call is the
# server's own, from the peer's response to the Access-Accept (its log line
# "RADIUS Access-Accept after N ms"), as radius-bench measures the core:
#
#   sudo bench/radius_pptp_bench.sh [BUILD_DIR] [N]
#   radius_auth sessions=N p50_ms=.. p99_ms=.. (upppd-pptpd, PPTP calls)
#
# The run is tests/radius/pptp.sh's load case (which also checks that every
# call came up with a Start and a Stop).
set -u
B=$(readlink -f "${1:-build/normal}")
N=${2:-200}
HERE=$(cd "$(dirname "$0")" && pwd)
RADIUS_PPTP_LOAD=$N "$HERE/../tests/radius/pptp.sh" "$B" load | grep -E "^radius_auth|^FAIL|^SKIP"
