# The common start of an e2e script: `. start.sh "$@"` with the arguments
# "upppd-binary [pattern]" (or $UPPPD, $E2E_PATTERN). Sets UPPPD, PATTERN
# and want(); exits 77 (skipped) when not root or without netns/TUN
# support; then loads lib.sh and creates the namespaces.
UPPPD=${UPPPD:-${1:-}}
[ -n "${UPPPD:-}" ] || { echo "usage: UPPPD=path/to/upppd $0 [pattern]"; exit 2; }
UPPPD=$(readlink -f "$UPPPD")
PATTERN=${2:-${E2E_PATTERN:-}}
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ] || ! command -v socat >/dev/null; then
    echo "skipped: needs root, /dev/net/tun and socat"
    exit 77
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_ns_up || { echo "skipped: cannot create network namespaces"; exit 77; }

want() { [ -z "$PATTERN" ] || [[ "$1" == *$PATTERN* ]]; }
