//===- RunOptions.h - a dsc.run from command-line options -------*- C++ -*-===//

#ifndef DSC_IMPORT_RUNOPTIONS_H
#define DSC_IMPORT_RUNOPTIONS_H

#include "dsc/IR/DscOps.h"
#include <optional>

namespace dsc {

/// What a user sets; unset fields take defaults that fit the model and
/// cluster: pp 1, dp = GPUs / pp, ep = the largest common divisor of dp and
/// the routed experts, 1 sequence per micro-batch, 2 * pp micro-batches
/// (or what a global batch implies), ZeRO-1, BF16 moments, no recompute.
struct RunOptions {
  RunMode mode = RunMode::training;
  int64_t seqLen = 4096;
  int64_t microBatch = 1;
  std::optional<int64_t> microBatches;
  /// Sequences per step over all replicas; sets micro_batches.
  std::optional<int64_t> globalBatch;
  std::optional<int64_t> pp, ep, dp;
  int64_t zero = 1;
  Precision recipe = Precision::bf16;
  MomentType moments = MomentType::bf16;
  bool recompute = false;
  PipelineSchedule schedule = PipelineSchedule::one_f_one_b;
};

/// Creates `dsc.run @run` for `model` on `cluster` at the builder's
/// insertion point and verifies it; on failure the op is erased after its
/// diagnostics (which say what to change) are emitted.
mlir::FailureOr<RunOp> createRun(mlir::OpBuilder &builder, mlir::Location loc,
                                 ModelOp model, ClusterOp cluster,
                                 const RunOptions &options);

} // namespace dsc

#endif // DSC_IMPORT_RUNOPTIONS_H
