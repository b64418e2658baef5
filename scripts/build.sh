#!/usr/bin/env bash
# Configure and build one flavour into build/<flavour>:
#   normal   -Wall -Wextra -Werror
#   asan     AddressSanitizer + UndefinedBehaviorSanitizer (also -Werror)
#   fuzz     libFuzzer targets (clang)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-normal}
jobs=$(nproc 2>/dev/null || echo 2)
case "$flavour" in
    normal) args=(-DUPPP_WERROR=ON) ;;
    asan)   args=(-DUPPP_WERROR=ON -DUPPP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug) ;;
    fuzz)   args=(-DUPPP_LIBFUZZER=ON -DUPPP_SANITIZE=ON -DUPPP_TESTS=OFF -DCMAKE_C_COMPILER=clang) ;;
    *) echo "usage: $0 [normal|asan|fuzz]" >&2; exit 2 ;;
esac
cmake -S . -B "build/$flavour" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${args[@]}" >/dev/null
cmake --build "build/$flavour" -j "$jobs"
