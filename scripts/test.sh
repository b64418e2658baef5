#!/usr/bin/env bash
# Set up, build from scratch and run every test: once as a normal -Werror
# build, once under ASan+UBSan. Exits non-zero if anything fails.
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
