#!/usr/bin/env bash
# dsc's main job on the bundled default: set up, build, import DeepSeek-V3 from its
# HuggingFace config.json, describe the model and report what training it costs
# on DeepSeek's cluster with DeepSeek's setup; then compile the tiny model and
# train it a few steps on the CPU: one rank, a DualPipeV pipeline on two ranks,
# and expert-parallel in FP8 on two ranks.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DSC_BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh"
"$root/scripts/build.sh"

"$build/bin/dsc" import "$root/examples/deepseek-v3/config.json" -o "$build/deepseek-v3.mlir"
echo "wrote $build/deepseek-v3.mlir"
"$build/bin/dsc" describe "$build/deepseek-v3.mlir"
echo
# DeepSeek-V3's training setup (§3): 2048 H800, PP16, EP64 over 8 nodes,
# ZeRO-1, FP8, DualPipe, 15360 x 4096-token sequences per step.
"$build/bin/dsc" report "$build/deepseek-v3.mlir" --cluster h800x2048 \
  --pp 16 --ep 64 --zero 1 --recipe fp8 --schedule dualpipe \
  --seq-len 4096 --global-batch 15360
echo
# Its pipeline: the layout dsc-pipeline-partition picks for DualPipe on 16
# ranks, every rank's program simulated under the cost model, as a picture.
"$build/bin/dsc" schedule --kind dualpipe --pp 16 --microbatches 64 \
  --model "$build/deepseek-v3.mlir" --cluster h800x2048 --ep 64 --recipe fp8 \
  --format svg -o "$build/deepseek-v3-dualpipe.svg"
echo "wrote $build/deepseek-v3-dualpipe.svg"
echo
# The tiny model (examples/tiny) compiled to a one-rank plan and trained for a
# few steps on the CPU kernels, on the bundled sample text (dsc-run; the
# loss falls from about ln 512 = 6.2).
"$build/bin/dsc" compile "$root/examples/tiny/config.json" --seq-len 64 \
  --micro-batch 4 --micro-batches 1 -o "$build/tiny.plan"
echo "wrote $build/tiny.plan"
"$build/bin/dsc-run" "$build/tiny.plan" --init 1 \
  --data "$build/examples/data/sample.tok" --steps 20 --log-every 5
echo
# The same model as a DualPipeV pipeline on two ranks (two MPI processes on
# this machine's CPU cores): each rank runs its two stages' fragments in the
# schedule's order, activations and gradients travel by send/recv.
if command -v mpiexec > /dev/null; then
  "$build/bin/dsc" compile "$root/examples/tiny/config.json" \
    --cluster "$root/test/Tools/Inputs/two-gpus.json" --pp 2 --dp 1 \
    --schedule dualpipev --seq-len 64 --micro-batch 2 --micro-batches 4 \
    -o "$build/tiny-dualpipev.plan" 2> /dev/null
  echo "wrote $build/tiny-dualpipev.plan"
  mpiexec --oversubscribe --allow-run-as-root -n 2 "$build/bin/dsc-run" \
    "$build/tiny-dualpipev.plan" --init 1 \
    --data "$build/examples/data/sample.tok" --steps 20 --log-every 5 \
    --threads 1
  echo
  # Expert parallelism: the model in DeepSeek-V3's FP8 recipe, its 16 routed
  # experts spread over two ranks (8 each); tokens travel to their experts
  # as E4M3 with UE8M0 scales and come back in BF16, and each backward runs
  # overlapped with the next forward (combined 1F1B), the all-to-all on the
  # comm stream under the other pass's compute.
  "$build/bin/dsc" import "$root/examples/tiny/config.json" \
    -o "$build/tiny.mlir"
  "$build/bin/dsc-opt" --dsc-fp8-quantize "$build/tiny.mlir" \
    -o "$build/tiny-fp8.mlir"
  "$build/bin/dsc" compile "$build/tiny-fp8.mlir" \
    --cluster "$root/test/Tools/Inputs/two-gpus.json" --pp 1 --dp 2 --ep 2 \
    --combined-1f1b --seq-len 64 --micro-batch 2 --micro-batches 4 \
    -o "$build/tiny-ep2.plan" 2> /dev/null
  echo "wrote $build/tiny-ep2.plan"
  mpiexec --oversubscribe --allow-run-as-root -n 2 "$build/bin/dsc-run" \
    "$build/tiny-ep2.plan" --init 1 \
    --data "$build/examples/data/sample.tok" --steps 10 --log-every 5 \
    --threads 1
fi
