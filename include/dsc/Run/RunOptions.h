//===- RunOptions.h - a dsc.mesh and dsc.run from options -------*- C++ -*-===//
//
// Where a run's defaults are resolved: every tool that creates a run (dsc
// report, schedule, compile; the benchmarks) states only what its user set.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_RUN_RUNOPTIONS_H
#define DSC_RUN_RUNOPTIONS_H

#include "dsc/IR/DscOps.h"
#include <optional>

namespace dsc {

/// What a user sets; unset fields take defaults that fit the model and
/// cluster: pp 1, dp = GPUs / pp, ep = the largest common divisor of dp and
/// the routed experts, 1 sequence per micro-batch, 2 * pp micro-batches
/// (or what a global batch implies), ZeRO-1, the FP8 recipe for a model
/// with FP8 weights (else BF16), the moments of the model's FP8 recipe
/// (else BF16), no recompute, 1F1B.
struct RunOptions {
  RunMode mode = RunMode::training;
  int64_t seqLen = 4096;
  int64_t microBatch = 1;
  std::optional<int64_t> microBatches;
  /// Sequences per step over all replicas; sets micro_batches.
  std::optional<int64_t> globalBatch;
  /// Pipeline ranks, data-parallel replicas, expert-parallel group.
  std::optional<int64_t> pp, ep, dp;
  int64_t zero = 1;
  std::optional<Precision> recipe;
  std::optional<MomentType> moments;
  /// How the MoE all-to-all sends tokens (default: FP8 when the recipe is).
  std::optional<Precision> dispatch;
  bool recompute = false;
  /// Megatron's combined 1F1B: backward and next forward as one pair.
  bool combined = false;
  ScheduleKind schedule = ScheduleKind::one_f_one_b;
  /// Model chunks per rank (interleaved 1F1B only).
  std::optional<int64_t> virtualStages;
};

/// Creates `dsc.mesh @mesh` over `cluster` and `dsc.run @run` of `model` on
/// it at the builder's insertion point, verifies both and resolves the run
/// (so an infeasible schedule is refused here); on failure both ops are
/// erased after their diagnostics (which say what to change) are emitted.
mlir::FailureOr<RunOp> createRun(mlir::OpBuilder &builder, mlir::Location loc,
                                 ModelOp model, ClusterOp cluster,
                                 const RunOptions &options);

} // namespace dsc

#endif // DSC_RUN_RUNOPTIONS_H
