#!/bin/bash
# usage: check-pipeline-run.sh OUT MPIEXEC PP DP MICRO_BATCHES MICRO_BATCH SCHEDULE
#            [run options] [--compile-only compile options] [--run-only dsc-run options]
#
# Compiles the tiny model for PP x DP ranks with FP32 storage, trains it 10
# steps under MPI with a trace, and checks (1) that its losses equal the
# one-rank plan's with the same global batch (DP x MICRO_BATCHES
# micro-batches), relative 1e-5, and (2) that every rank ran its passes in
# the order `dsc schedule --format json` gives for the same run.
set -euo pipefail
out=$1 mpiexec=$2 pp=$3 dp=$4 mb=$5 mbs=$6 schedule=$7
shift 7
# Run options go to dsc compile and dsc schedule; those after --compile-only
# to the multi-rank compile alone (placement), those after --run-only to
# the multi-rank dsc-run.
runOptions=() compileOnly=() runOnly=() into=run
for arg in "$@"; do
  case $arg in
    --compile-only) into=compile ;;
    --run-only) into=dscrun ;;
    *) case $into in
         run) runOptions+=("$arg") ;;
         compile) compileOnly+=("$arg") ;;
         dscrun) runOnly+=("$arg") ;;
       esac ;;
  esac
done
set -- ${runOptions[@]+"${runOptions[@]}"}
here=$(dirname "$0")
root=$here/../../..
tiny=$root/examples/tiny/config.json
n=$((pp * dp))
cluster=$here/$(case $n in 2) echo two;; 3) echo three;; 4) echo four;; 8) echo eight;; esac)-gpus.json
run=(--seq-len 32 --micro-batch "$mbs" --micro-batches "$mb" "$@")
dsc compile "$tiny" --cluster "$cluster" --pp "$pp" --dp "$dp" --schedule "$schedule" \
  "${run[@]}" ${compileOnly[@]+"${compileOnly[@]}"} --storage f32 -o "$out.plan" 2>/dev/null
dsc schedule --model "$tiny" --cluster "$cluster" --pp "$pp" --dp "$dp" \
  --schedule "$schedule" "${run[@]}" --format json > "$out.schedule.json" 2>/dev/null
dsc compile "$tiny" --seq-len 32 --micro-batch "$mbs" --micro-batches $((dp * mb)) \
  --storage f32 -o "$out.one.plan" 2>/dev/null
$mpiexec -n "$n" dsc-run "$out.plan" --init 1 --data "$DSC_SAMPLE_TOKENS" --steps 10 \
  --log-every 1 --threads 1 --trace "$out.trace.json" ${runOnly[@]+"${runOnly[@]}"} > "$out.log"
dsc-run "$out.one.plan" --init 1 --data "$DSC_SAMPLE_TOKENS" --steps 10 --log-every 1 \
  --threads 1 > "$out.one.log"
python3 - "$out.log" "$out.one.log" <<'PY'
import sys
a, b = ([float(l.split()[3]) for l in open(f) if l.startswith("step ")] for f in sys.argv[1:])
assert len(a) == len(b) == 10, (a, b)
worst = max(abs(x - y) / abs(y) for x, y in zip(a, b))
assert worst <= 1e-5, (worst, a, b)
print(f"losses equal one rank's (relative {worst:.1e}), {a[0]:.4f} -> {a[-1]:.4f}")
PY
python3 "$here/compare-pass-order.py" "$out.schedule.json" "$out.trace" "$n" "$dp"
