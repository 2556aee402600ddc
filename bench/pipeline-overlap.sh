#!/usr/bin/env bash
# What the asynchronous comm stream buys a pipeline under an emulated
# network: the tiny model (FP32 storage, seq 32, 4 micro-batches of 2) as
# PP2 1F1B and as DualPipeV on two MPI ranks, 10 steps, with
# --overlap on and off at each --emulate-network speed. Prints tokens/s.
# usage: bench/pipeline-overlap.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
bin="$build/bin"
tokens="$build/examples/data/sample.tok"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mpi=(mpiexec --oversubscribe --allow-run-as-root -n 2)
compile() {
  "$bin/dsc" compile "$root/examples/tiny/config.json" \
    --cluster "$root/test/Tools/Inputs/two-gpus.json" --pp 2 --dp 1 \
    --seq-len 32 --micro-batch 2 --micro-batches 4 --storage f32 "$@" 2>/dev/null
}
compile --schedule 1f1b -o "$work/1f1b.plan"
compile --schedule dualpipev --partition 'Et|t|t|mL' -o "$work/dualpipev.plan"
printf '%-10s %-8s %-8s %s\n' schedule speed overlap tokens/s
for schedule in 1f1b dualpipev; do
  for speed in 1e-4 3e-5; do
    for overlap in on off; do
      rate=$("${mpi[@]}" "$bin/dsc-run" "$work/$schedule.plan" --init 1 \
        --data "$tokens" --steps 10 --threads 1 --emulate-network "$speed" \
        --overlap "$overlap" | sed -n 's/.*(\([0-9.]*\) tokens\/s).*/\1/p')
      printf '%-10s %-8s %-8s %s\n' "$schedule" "$speed" "$overlap" "$rate"
    done
  done
done
