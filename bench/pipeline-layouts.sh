#!/usr/bin/env bash
# DeepSeek-V3 on h800x2048 (PP16, EP64, FP8, 64 micro-batches): the simulated
# pipeline time of dsc-pipeline-partition's automatic layout against
# Megatron's even split, per schedule, with and without recomputation.
# Figures go to bench/RESULTS.md by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"
dsc="$build/bin/dsc"
config="$root/examples/deepseek-v3/config.json"

printf '%-10s %-9s %-14s %-14s %s\n' schedule recompute "auto (ms)" "even (ms)" "auto layout"
for kind in 1f1b zb-h1 dualpipe; do
  for recompute in false true; do
    flags=(--kind "$kind" --pp 16 --microbatches 64 --model "$config"
           --cluster h800x2048 --ep 64 --recipe fp8 --format json)
    [[ $recompute == true ]] && flags+=(--recompute)
    auto=$("$dsc" schedule "${flags[@]}" --partition auto 2>/dev/null)
    even=$("$dsc" schedule "${flags[@]}" --partition even 2>/dev/null)
    python3 - "$kind" "$recompute" "$auto" "$even" <<'PY'
import json, sys
kind, recompute, auto, even = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
print(f"{kind:10s} {recompute:9s} {auto['step_time']:<14.1f} {even['step_time']:<14.1f} {auto['layout']}")
PY
  done
done
