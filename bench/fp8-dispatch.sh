#!/usr/bin/env bash
# DeepSeek-V3's FP8 dispatch against a BF16 dispatch: the tiny model through
# dsc-fp8-quantize (every linear but gate and head in FP8, routed experts
# included), EP2 on two MPI ranks (each holding 8 of the 16 experts), the
# same seeds and data, --dispatch fp8 (tokens travel as E4M3 with UE8M0
# 1 x 128 scales, the experts' GEMMs read them as they arrive) against
# --dispatch bf16. Prints each run's losses at steps 1, 50, 100, 150, 200
# and the relative difference of the last-10-step mean loss. STEPS, SEEDS,
# SEQ_LEN, MICRO_BATCH override the defaults.
# usage: bench/fp8-dispatch.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${DSC_BUILD_DIR:-$root/build}}"
bin="$build/bin"
steps="${STEPS:-200}" seeds="${SEEDS:-1 2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mpi=(mpiexec --oversubscribe --allow-run-as-root -n 2)

"$bin/dsc" import "$root/examples/tiny/config.json" -o "$work/tiny.mlir"
"$bin/dsc-opt" --dsc-fp8-quantize "$work/tiny.mlir" -o "$work/fp8.mlir"
for dispatch in fp8 bf16; do
  "$bin/dsc" compile "$work/fp8.mlir" \
    --cluster "$root/test/Tools/Inputs/two-gpus.json" --pp 1 --dp 2 --ep 2 \
    --seq-len "${SEQ_LEN:-64}" --micro-batch "${MICRO_BATCH:-4}" \
    --dispatch "$dispatch" -o "$work/$dispatch.plan" 2>/dev/null
done
for seed in $seeds; do
  for dispatch in fp8 bf16; do
    "${mpi[@]}" "$bin/dsc-run" "$work/$dispatch.plan" --init "$seed" \
      --data "$build/examples/data/sample.tok" --steps "$steps" \
      --log-every 1 --threads 1 > "$work/$dispatch.$seed.log"
  done
  python3 - "$work/fp8.$seed.log" "$work/bf16.$seed.log" "$seed" <<'PY'
import sys
runs = [[float(l.split()[3]) for l in open(f) if l.startswith("step ")]
        for f in sys.argv[1:3]]
fp8, bf16 = runs
n = len(fp8)
for s in sorted({1, 50, 100, 150, n}):
    if s <= n:
        print(f"seed {sys.argv[3]} step {s}: fp8 dispatch {fp8[s-1]:.4f}, "
              f"bf16 dispatch {bf16[s-1]:.4f}")
tail = lambda xs: sum(xs[-10:]) / len(xs[-10:])
a, b = tail(fp8), tail(bf16)
print(f"seed {sys.argv[3]}: last-10-step mean {a:.4f} (fp8) vs {b:.4f} "
      f"(bf16), relative {(a - b) / b * 100:+.3f} %; largest per-step "
      f"relative difference {max(abs(x - y) / y for x, y in zip(fp8, bf16)) * 100:.3f} %")
PY
done
