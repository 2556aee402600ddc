#!/usr/bin/env bash
# EPLB's loop, executed: train the tiny model as EP4 on four MPI ranks with
# the even placement (expert e in slot e) for STEPS steps, writing the
# expert loads dsc-run measured (--expert-loads) and a checkpoint; compile
# again with those loads and 4 redundant slots (dsc compile --expert-loads
# --redundant-experts 4: dsc place's placement); train the next STEPS steps
# from the checkpoint under the new placement, measuring the loads again.
# The routing does not depend on the placement (the losses equal one
# rank's), so the second run's loads are what either placement would see
# over those steps; bench/placement-imbalance.py prints each placement's
# GPU-load imbalance (max / mean, tokens of a replicated expert split evenly
# over its replicas as slot_route does) for both runs' loads.
# usage: bench/replace-experts.sh [BUILD_DIR]; STEPS, BIAS_UPDATE_RATE
# override the defaults (100; 0: no bias balancing, so loads stay skewed).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${DSC_BUILD_DIR:-$root/build}}"
bin="$build/bin"
work="${WORK:-$(mktemp -d)}"
steps="${STEPS:-100}"
mpi=(mpiexec --oversubscribe --allow-run-as-root -n 4)
"$bin/dsc" import "$root/examples/tiny/config.json" \
  --bias-update-rate "${BIAS_UPDATE_RATE:-0}" -o "$work/tiny.mlir"
compile() {
  "$bin/dsc" compile "$work/tiny.mlir" \
    --cluster "$root/test/Tools/Inputs/four-gpus.json" --dp 4 --ep 4 \
    --seq-len 64 --micro-batch 2 --storage f32 "$@" 2>/dev/null
}
compile -o "$work/even.plan"
"${mpi[@]}" "$bin/dsc-run" "$work/even.plan" --init 1 --threads 1 \
  --data "$build/examples/data/sample.tok" --steps "$steps" \
  --checkpoint "$work/ck" --expert-loads "$work/first.json" | tail -1
compile --expert-loads "$work/first.json" --redundant-experts 4 \
  -o "$work/placed.plan"
"${mpi[@]}" "$bin/dsc-run" "$work/placed.plan" --init 1 --threads 1 \
  --data "$build/examples/data/sample.tok" --steps $((2 * steps)) \
  --checkpoint "$work/ck" --resume --expert-loads "$work/second.json" | tail -1
"$bin/dsc-run" --dump "$work/even.plan" > "$work/even.dump"
"$bin/dsc-run" --dump "$work/placed.plan" > "$work/placed.dump"
python3 "$root/bench/placement-imbalance.py" "$work/first.json" \
  "$work/second.json" "$work/even.dump" "$work/placed.dump"
