//===- StepTime.h - roofline step-time estimate of a dsc.run ----*- C++ -*-===//
//
// Each op takes max(FLOPs / peak, bytes / HBM bandwidth) on the SMs left for
// compute (the cluster's `comm_sms` run communication): matmuls at the FP8
// peak under the FP8 recipe (the attention core and the output head stay
// BF16), bytes = the op's weights plus its input and output activations.
// Backward costs twice the forward (three times with recomputation).
// Communication per micro-batch takes
// bytes / bandwidth (InfiniBand between nodes, NVLink inside) plus a latency
// per message; with overlap it hides behind compute (max), without it adds.
// The pipeline is the run's schedule simulated (PipelineSimulator.h) with
// each stage's F and B, W half of B's compute and F&B an overlapped
// forward-backward pair — with uniform stages this is DeepSeek-V3 Table 2
// (1F1B: (micro_batches + pp - 1)(F + B); DualPipe: micro_batches slots of
// F&B plus (pp/2 - 1)(F&B + B - 3W)). Then the data-parallel gradient
// exchange and the optimizer.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_STEPTIME_H
#define DSC_ANALYSIS_STEPTIME_H

#include "dsc/Analysis/FlopCount.h"
#include "dsc/CostModel/Communication.h"
#include "dsc/CostModel/Memory.h"
#include "dsc/Schedule/PipelineSimulator.h"

namespace dsc {

/// Seconds of one micro-batch on one stage.
struct StageTimes {
  double forwardCompute = 0, backwardCompute = 0;
  double forwardComm = 0, backwardComm = 0;

  /// A forward and a backward chunk overlapped with each other (DualPipe).
  double pair(bool overlap) const {
    return overlap
               ? std::max(forwardCompute + backwardCompute,
                          forwardComm + backwardComm)
               : forwardCompute + backwardCompute + forwardComm + backwardComm;
  }

  double forward(bool overlap) const {
    return overlap ? std::max(forwardCompute, forwardComm)
                   : forwardCompute + forwardComm;
  }
  double backward(bool overlap) const {
    return overlap ? std::max(backwardCompute, backwardComm)
                   : backwardCompute + backwardComm;
  }
};

/// Roofline seconds of `op`'s forward over one micro-batch on one GPU: its
/// FP8 linear layers at the FP8 peak, the rest of its FLOPs at the BF16
/// peak, against its weights (as stored) and activations at HBM bandwidth.
double rooflineForwardSeconds(mlir::Operation *op, const ResolvedRun &setup);

/// Seconds of one micro-batch through `stage` with traffic `micro`.
StageTimes estimateStageTimes(const ResolvedRun &setup,
                              const StageLayout::Stage &stage,
                              const CommunicationAnalysis::MicroBatch &micro);

/// Seconds of one micro-batch through each stage of the run's layout.
llvm::SmallVector<StageTimes>
estimateLayoutTimes(const ResolvedRun &setup,
                    const CommunicationAnalysis &comm);

/// The simulator's costs of stages taking `stages` (by global stage).
ActionCosts pipelineCosts(llvm::ArrayRef<StageTimes> stages, bool overlap);

class StepTimeAnalysis {
public:
  StepTimeAnalysis(const ResolvedRun &setup,
                   const ParameterCountAnalysis &params,
                   const MemoryAnalysis &memory,
                   const CommunicationAnalysis &comm);

  /// Per pipeline rank: one micro-batch through the rank's stages.
  llvm::ArrayRef<StageTimes> stages() const { return perStage; }
  /// Seconds of the data-parallel exchange and of the optimizer update.
  double dataParallelSeconds() const { return dpSeconds; }
  double optimizerSeconds() const { return optimizer; }

  double stepSeconds(bool overlap) const;
  /// Tokens processed per second over the whole cluster.
  double tokensPerSecond(bool overlap) const;
  /// Model FLOPs (forward + backward, MTP included) per second over the
  /// cluster's dense BF16 peak.
  double mfu(bool overlap) const;
  /// GPU-hours to process `tokens` tokens.
  double gpuHours(double tokens, bool overlap) const;

private:
  llvm::SmallVector<StageTimes> perStage;
  double dpSeconds = 0, optimizer = 0;
  double tokensPerStep = 0, flopsPerToken = 0, gpus = 0, peakFlops = 0;
  double pipelineSeconds[2] = {0, 0}; // without, with overlap
  bool training = true;
};

} // namespace dsc

#endif // DSC_ANALYSIS_STEPTIME_H
