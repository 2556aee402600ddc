//===- Communication.h - bytes each GPU sends per step ----------*- C++ -*-===//
//
// Per GPU of each pipeline stage, per optimizer step (training) or per
// forward of all micro-batches (inference):
// - pp: activations to the next stage and, in training, their gradients to
//   the previous one (BF16);
// - ep: MoE dispatch and combine, as DeepEP does it under node-limited
//   routing: a token crosses InfiniBand once per remote node it reaches
//   (at most M = topk_group nodes for group-limited routing, groups laid out
//   over the EP group's nodes), then NVLink to the GPUs holding its experts.
//   Dispatch in FP8 with an FP32 scale per tile where the MoE's FP8 plan
//   dispatches FP8 (see WeightStorage for an FP8 run of a BF16 model), else
//   BF16; combine in BF16; training repeats both for the gradients (BF16);
// - dp: ring reduce-scatter of FP32 gradients and all-gather of BF16
//   parameters (ZeRO-1), or a ring all-reduce without ZeRO; replicated
//   parameters over dp GPUs, routed experts over dp / ep.
// A rank with several stages (ResolvedRun::stagesOnRank) sends for each the
// share of micro-batches it runs through it (DualPipe: half) and exchanges
// the gradients of all.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_COMMUNICATION_H
#define DSC_ANALYSIS_COMMUNICATION_H

#include "dsc/Analysis/ParameterCount.h"
#include "dsc/Run/ResolvedRun.h"

namespace dsc {

struct CommVolume {
  double pp = 0;
  double epIntraNode = 0;
  double epInterNode = 0;
  double dp = 0;

  double total() const { return pp + epIntraNode + epInterNode + dp; }
};

/// How one token's MoE dispatch spreads over the EP group.
struct DispatchFanout {
  /// Nodes the EP group spans.
  int64_t nodes = 1;
  /// Expected remote nodes a token is sent to over InfiniBand.
  double remoteNodes = 0;
  /// Expected copies of a token forwarded over NVLink.
  double nvlinkCopies = 0;
};

/// The fan-out of `moe`'s dispatch; with an expert placement, experts that
/// have a replica on the token's node are served there.
DispatchFanout computeDispatchFanout(const ResolvedRun &setup, MoEOp moe);

class CommunicationAnalysis {
public:
  CommunicationAnalysis(const ResolvedRun &setup,
                        const ParameterCountAnalysis &params);

  /// Per GPU of each pipeline rank.
  llvm::ArrayRef<CommVolume> stages() const { return perStage; }
  /// Per micro-batch: MoE all-to-all bytes (intra, inter node) and
  /// pipeline bytes of one stage (not rank), forward and backward, for the
  /// step time.
  struct MicroBatch {
    double epIntraForward = 0, epInterForward = 0;
    double epIntraBackward = 0, epInterBackward = 0;
    double ppForward = 0, ppBackward = 0;
    int64_t moeLayers = 0;
  };
  llvm::ArrayRef<MicroBatch> microBatches() const { return perMicroBatch; }

private:
  llvm::SmallVector<CommVolume> perStage;
  llvm::SmallVector<MicroBatch> perMicroBatch;
};

/// One micro-batch's traffic through `stage`, sending its activations to
/// the next stage's rank and its input gradients to the previous one's.
CommunicationAnalysis::MicroBatch
microBatchTraffic(const ResolvedRun &setup, const StageLayout::Stage &stage,
                  bool sendsForward, bool sendsBackward);

} // namespace dsc

#endif // DSC_ANALYSIS_COMMUNICATION_H
