#!/usr/bin/env bash
# The sanitizer build (ASan + UBSan, libFuzzer) in ${DSC_FUZZ_BUILD_DIR:-build-fuzz}:
# builds the runtime tests and the fuzz targets, runs the runtime tests and
# every fuzz target's seeds and regression inputs under the sanitizers, then
# fuzzes each target for DSC_FUZZ_SECONDS (default 20) seconds. Anything
# found (crash, sanitizer report, leak, timeout, out of memory) fails the
# script; the input is left in build-fuzz/test/fuzz/artifacts/ (keep it as a
# regression input: test/fuzz/regressions/TARGET/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${DSC_FUZZ_SECONDS:-20}"

"$root/scripts/setup.sh"

if [ ! -f "$build/build.ninja" ]; then
  # -O1 with line tables: readable reports, sanitizers' usual trade-off; no
  # NDEBUG, so assertions are checked too. No CUDA: CI has no GPU.
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DDSC_ENABLE_CUDA=OFF \
    -DDSC_SANITIZE=address,undefined -DDSC_FUZZ=ON
fi
cmake --build "$build"

# The runtime tests and the fuzz regressions (ctest sets the sanitizers'
# options, the LSan suppressions among them, on every test).
ctest --test-dir "$build" --output-on-failure

# The sanitizers' options, as ctest sets them.
# shellcheck source=/dev/null
. "$build/sanitizer-env.sh"
fuzz="$build/test/fuzz"
mkdir -p "$fuzz/artifacts"
for target in "$build"/bin/dsc-fuzz-*; do
  name="${target##*/dsc-fuzz-}"
  corpus="$fuzz/corpus/$name"
  mkdir -p "$corpus"
  inputs=("$corpus" "$fuzz/seeds/$name")
  [ -d "$root/test/fuzz/regressions/$name" ] &&
    inputs+=("$root/test/fuzz/regressions/$name")
  echo "fuzz: $name for ${seconds}s"
  # New inputs go to the first folder (the corpus, kept between runs).
  # -close_fd_mask=2: the targets' own diagnostics (bad input rightly gets
  # them) are dropped; libFuzzer's and the sanitizers' reports still print.
  "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -close_fd_mask=2 -print_final_stats=1 -artifact_prefix="$fuzz/artifacts/$name-" \
    "${inputs[@]}" 2>"$fuzz/$name.log" || {
      tail -60 "$fuzz/$name.log"
      echo "fuzz: $name found a bug; its input is in $fuzz/artifacts/" >&2
      exit 1
    }
  grep -h "stat::number_of_executed_units\|stat::average_exec_per_sec\|cov: " \
    "$fuzz/$name.log" | tail -3
done
