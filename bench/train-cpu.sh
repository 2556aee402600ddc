#!/usr/bin/env bash
# The CPU backend on the tiny model (examples/tiny, 6.27M parameters) and the
# bundled sample text: tokens/s of dsc-run, and the loss of DeepSeek-V3's FP8
# recipe against the BF16 baseline (V3's claim: < 0.25 % relative), same
# seeds and data. Plans: bf16 (the default storage), f32 (--storage f32),
# fp8 (every linear but gate and head, routed experts included) and
# fp8-dense (routed experts left in BF16). Figures go to bench/RESULTS.md by
# hand. STEPS, SEEDS, THREADS, SEQ_LEN, MICRO_BATCH override the defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"
steps="${STEPS:-200}" seeds="${SEEDS:-1 2}" threads="${THREADS:-1}"
shape=(--seq-len "${SEQ_LEN:-64}" --micro-batch "${MICRO_BATCH:-4}")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$build/bin/dsc" import "$root/examples/tiny/config.json" -o "$work/tiny.mlir"
"$build/bin/dsc-opt" --dsc-fp8-quantize "$work/tiny.mlir" -o "$work/fp8.mlir"
"$build/bin/dsc-opt" --dsc-fp8-quantize=exclude=routed_experts \
  "$work/tiny.mlir" -o "$work/fp8-dense.mlir"
compile() { "$build/bin/dsc" compile "$@" "${shape[@]}" 2>/dev/null; }
compile "$work/tiny.mlir" -o "$work/bf16.plan"
compile "$work/tiny.mlir" --storage f32 -o "$work/f32.plan"
compile "$work/fp8.mlir" -o "$work/fp8.plan"
compile "$work/fp8-dense.mlir" -o "$work/fp8-dense.plan"

for plan in bf16 f32 fp8 fp8-dense; do
  for seed in $seeds; do
    "$build/bin/dsc-run" "$work/$plan.plan" --init "$seed" --threads "$threads" \
      --data "$build/examples/data/sample.tok" --steps "$steps" \
      > "$work/$plan.$seed.log"
  done
done

python3 - "$work" "$steps" "$seeds" <<'PY'
import re, sys
work, steps, seeds = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
def run(plan, seed):
    lines = open(f"{work}/{plan}.{seed}.log").read()
    losses = [float(l.split()[3]) for l in lines.splitlines() if l.startswith("step ")]
    rate = float(re.search(r"\(([0-9.]+) tokens/s\)", lines).group(1))
    return losses, rate
def mean(xs): return sum(xs) / len(xs)
half, quarter = steps // 2, steps // 4
print(f"plan       seed  tokens/s  loss@1   mean {half+1}-{steps}  mean {steps-quarter+1}-{steps}  vs bf16 ({half+1}-{steps}, {steps-quarter+1}-{steps})")
for plan in ["bf16", "f32", "fp8", "fp8-dense"]:
    for seed in seeds:
        losses, rate = run(plan, seed)
        base, _ = run("bf16", seed)
        a, b = mean(losses[half:]), mean(losses[steps - quarter:])
        ra = (a / mean(base[half:]) - 1) * 100
        rb = (b / mean(base[steps - quarter:]) - 1) * 100
        print(f"{plan:10s} {seed:4s}  {rate:8.1f}  {losses[0]:.4f}   {a:.4f}        {b:.4f}        {ra:+.2f} %, {rb:+.2f} %")
PY
