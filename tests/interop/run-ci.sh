#!/usr/bin/env bash
# CI entry for the interop suite (issue 5): the cached qemu guest
# (setup-vm.sh), then every case of matrix.sh against the normal build.
# Builds build/normal first if upppd or hdlc-relay is missing. Needs root
# (network namespaces, TUN) and network access on a cold cache (apt).
# Extra arguments go to matrix.sh (e.g. case patterns).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [[ ! -x $root/build/normal/daemon/upppd || ! -x $root/build/normal/tests/hdlc-relay ]]; then
    "$root/scripts/build.sh" normal
fi
"$here/setup-vm.sh"
exec "$here/matrix.sh" "$@"
