#!/usr/bin/env bash
# The main job: set up, build, and derive MS-CHAPv2 + MPPE keys for the
# RFC 2759 section 9.2 example with mppe-keys.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh normal >/dev/null
set -x
build/normal/mppe-keys v2 --user User --password clientPass \
    --auth-challenge 5B5D7C7D7B3F2F3E3C2C602132262628 \
    --peer-challenge 21402324255E262A28295F2B3A337C7E --bits 128
