#!/usr/bin/env bash
# What overlapped pairs hide of the expert-parallel all-to-all, executed:
# the tiny model (FP32 storage), 8 micro-batches of 2 x 64, under
# --emulate-network SPEED (the cluster's links times SPEED, so that an
# all-to-all costs about as much as the compute around it) with the comm
# stream on its thread (--overlap on) and inline (off). MODE=dualpipe:
# PP2 x EP2 under DualPipe on four MPI ranks; MODE=combined: EP2 on one
# stage under combined 1F1B (--combined-1f1b) on two ranks, so that no
# rank shares a core on a 2-core machine. Prints tokens/s and, from each
# run's trace, the share of the all-to-all transfers hidden under compute
# (bench/hidden-all-to-all.py) in the overlapped pairs and over every
# exchange.
# usage: bench/ep-overlap.sh [BUILD_DIR]; MODE, SPEEDS, STEPS,
# MICRO_BATCHES, MICRO_BATCH, SEQ_LEN, WORK and CONFIG (a config.json
# instead of the tiny model's) override the defaults.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-${DSC_BUILD_DIR:-$root/build}}"
bin="$build/bin"
work="${WORK:-$(mktemp -d)}"
speeds="${SPEEDS:-1e-3 3e-4}" steps="${STEPS:-6}"
case "${MODE:-dualpipe}" in
  dualpipe) ranks=4 setup=(--cluster "$root/test/Tools/Inputs/four-gpus.json"
              --pp 2 --dp 2 --ep 2 --schedule dualpipe) ;;
  combined) ranks=2 setup=(--cluster "$root/test/Tools/Inputs/two-gpus.json"
              --pp 1 --dp 2 --ep 2 --schedule 1f1b --combined-1f1b) ;;
  *) echo "MODE is dualpipe or combined" >&2; exit 1 ;;
esac
mpi=(mpiexec --oversubscribe --allow-run-as-root -n "$ranks")
"$bin/dsc" compile "${CONFIG:-$root/examples/tiny/config.json}" "${setup[@]}" \
  --micro-batches "${MICRO_BATCHES:-8}" \
  --micro-batch "${MICRO_BATCH:-2}" --seq-len "${SEQ_LEN:-64}" --storage f32 \
  -o "$work/ep.plan" 2>/dev/null
"$bin/dsc-run" --dump "$work/ep.plan" > "$work/ep.dump"
printf '%-8s %-8s %-10s %s\n' speed overlap tokens/s hidden
for speed in $speeds; do
  for overlap in on off; do
    run="$work/$speed.$overlap"
    "${mpi[@]}" "$bin/dsc-run" "$work/ep.plan" --init 1 \
      --data "$build/examples/data/sample.tok" --steps "$steps" --threads 1 \
      --emulate-network "$speed" --overlap "$overlap" --trace "$run.json" \
      > "$run.log"
    rate=$(sed -n 's/.*(\([0-9.]*\) tokens\/s).*/\1/p' "$run.log")
    hidden=$(python3 "$root/bench/hidden-all-to-all.py" "$run" "$ranks" \
      "$work/ep.dump" | tr '\n' ' ')
    printf '%-8s %-8s %-10s %s\n' "$speed" "$overlap" "$rate" "$hidden"
  done
done
