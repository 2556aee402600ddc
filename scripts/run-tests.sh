#!/usr/bin/env bash
# Set up, build and run the whole test suite: lit (check-dsc) and gtest (ctest),
# then the sanitizer build: the runtime tests under ASan and UBSan and each
# fuzz target for a fixed time (scripts/run-fuzz.sh; DSC_FUZZ_SECONDS).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh"
"$root/scripts/build.sh"

cmake --build "$build" --target check-dsc
ctest --test-dir "$build" --output-on-failure

"$root/scripts/run-fuzz.sh"
