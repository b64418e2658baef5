#!/usr/bin/env bash
# Set up, build from scratch and run every test: once as a normal -Werror
# build, once under ASan+UBSan; then, as root, the Debian package and the
# systemd units (scripts/test-package.sh) and the interop matrix against
# real pppd 2.4.9 + Linux ppp_mppe in qemu (tests/interop/; set
# UPPP_NO_INTEROP=1 to leave it out). Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc 2>/dev/null || echo 2)
for flavour in normal asan; do
    echo "=== build: $flavour"
    rm -rf "build/$flavour"
    ./scripts/build.sh "$flavour"
    echo "=== test: $flavour"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir "build/$flavour" --output-on-failure -j "$jobs"
done

if [ "$(id -u)" -eq 0 ]; then
    echo "=== package: the .deb, installed, checked and purged; the systemd units"
    scripts/test-package.sh
fi

if [ -z "${UPPP_NO_INTEROP:-}" ] && [ "$(id -u)" -eq 0 ]; then
    echo "=== interop: upppd against pppd 2.4.9 + Linux ppp_mppe (qemu)"
    tests/interop/run-ci.sh
fi
