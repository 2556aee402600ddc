//===- PipelinePartition.h - lay a model out on pipeline stages -*- C++ -*-===//
//
// Prices the model's parts (embedding, blocks, MTP modules, head and loss)
// with the step-time and memory analyses and asks the stage partition
// solver for the layout whose slowest pipeline rank is fastest: one stage
// per rank for 1F1B, ZB-H1 and interleaved 1F1B, mirrored pairs for
// DualPipe, DualPipeV and ZB-V. A stage costs its parts' forward and
// backward (compute and all-to-all overlapped) plus the activation sends
// at its edges; a rank must fit its stages' weights, gradients, optimizer
// states and peak activations in the GPU's memory.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_PIPELINEPARTITION_H
#define DSC_ANALYSIS_PIPELINEPARTITION_H

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/Run/ResolvedRun.h"
#include "llvm/Support/Error.h"

namespace dsc {

struct PipelinePartition {
  StageLayout layout;
  /// Seconds of one micro-batch through the slowest rank, and the same for
  /// Megatron's even split.
  double bottleneck = 0, evenBottleneck = 0;
  /// False when no layout fits in memory: the layout then ignores memory.
  bool fitsMemory = true;
};

/// The fastest layout for the run's schedule and stage count.
llvm::Expected<PipelinePartition>
partitionPipeline(const ResolvedRun &setup,
                  const ParameterCountAnalysis &params);

} // namespace dsc

#endif // DSC_ANALYSIS_PIPELINEPARTITION_H
