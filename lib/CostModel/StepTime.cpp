//===- StepTime.cpp - roofline step-time estimate of a dsc.run ------------===//

#include "dsc/CostModel/StepTime.h"

using namespace mlir;
using namespace dsc;

namespace {
/// What a GPU reads of `op`'s weights and how much of its matmul work is
/// FP8.
struct OpWeights {
  /// Bytes as stored (FP8 weights with their scales), routed experts
  /// sharded `ep` ways.
  double bytes = 0;
  /// Forward FLOPs per token of the linear layers that run in FP8.
  double fp8Flops = 0;
};
} // namespace

static OpWeights opWeights(Operation *op, const ResolvedRun &setup) {
  OpWeights weights;
  auto owner = dyn_cast<ParameterOwnerOpInterface>(op);
  if (!owner)
    return weights;
  SmallVector<ParameterSpec> specs;
  owner.getParameterSpecs(specs);
  for (const ParameterSpec &spec : specs) {
    double bytes = setup.weights.bytes(spec);
    weights.bytes += spec.numExperts ? bytes * setup.routedShare : bytes;
    if (!setup.weights.isFP8(spec))
      continue;
    // A token passes through num_experts_per_tok of the routed experts.
    double copies =
        spec.numExperts ? cast<MoEOp>(op).getConfig().getNumExpertsPerTok() : 1;
    weights.fp8Flops += 2 * copies * ShapedType::getNumElements(spec.shape);
  }
  return weights;
}

/// Bytes of the op's activation inputs and outputs over a micro-batch.
static double activationBytes(Operation *op, double tokens) {
  double values = 0;
  auto add = [&](Type type) {
    if (auto tensor = dyn_cast<RankedTensorType>(type))
      if (tensor.getRank() == 3)
        values += tensor.getDimSize(2);
  };
  for (Type type : op->getOperandTypes())
    add(type);
  for (Type type : op->getResultTypes())
    add(type);
  return values * tokens * 2;
}

double dsc::rooflineForwardSeconds(Operation *op, const ResolvedRun &setup) {
  ClusterOp cluster = setup.cluster;
  GPUAttr gpu = cluster.getGpu();
  double tokens = setup.microBatchTokens();
  double computeShare =
      double(gpu.getSms() - cluster.getCommSms()) / gpu.getSms();
  RunOp run = setup.run;
  // FP8 linear layers run at the FP8 peak; the rest (BF16 layers, router,
  // attention core) at the BF16 peak.
  OpWeights weights = opWeights(op, setup);
  double flops = computeOpFlops(op, run.getSeqLen()).forward * tokens;
  double fp8Flops = weights.fp8Flops * tokens;
  double compute =
      (fp8Flops / gpu.getFp8Tflops().convertToDouble() +
       (flops - fp8Flops) / gpu.getBf16Tflops().convertToDouble()) /
      (1e12 * computeShare);
  double bytes = weights.bytes + activationBytes(op, tokens);
  double memory = bytes / (gpu.getHbmGbps().convertToDouble() * 1e9);
  double seconds = std::max(compute, memory);
  // The busiest GPU of an expert placement sets the MoE's pace.
  if (auto moe = dyn_cast<MoEOp>(op))
    if (std::optional<ExpertPlacementAttr> placement = moe.getPlacement())
      seconds *= placement->getImbalance().convertToDouble();
  return seconds;
}

/// Seconds to move `intra` bytes over NVLink and `inter` over InfiniBand in
/// `messages` messages.
static double transferSeconds(const ResolvedRun &setup, double intra,
                              double inter, int64_t messages) {
  ClusterOp cluster = setup.cluster;
  LinkAttr nvlink = cluster.getNvlink(), ib = cluster.getInfiniband();
  double seconds = intra / (nvlink.getGbps().convertToDouble() * 1e9) +
                   inter / (ib.getGbps().convertToDouble() * 1e9);
  LinkAttr slowest = inter > 0 ? ib : nvlink;
  return seconds + messages * slowest.getLatencyUs().convertToDouble() * 1e-6;
}

StageTimes
dsc::estimateStageTimes(const ResolvedRun &setup,
                        const StageLayout::Stage &stage,
                        const CommunicationAnalysis::MicroBatch &micro) {
  RunOp run = setup.run;
  ClusterOp cluster = setup.cluster;
  bool training = setup.isTraining();
  bool multiNode = cluster.getNodes() > 1;
  StageTimes times;
  // Blocks and terminators only hold or forward the ops that work.
  // The ops of `linears` regions are their owner's work.
  auto addOps = [&](Operation *root) {
    root->walk([&](Operation *op) {
      if (!isa<BlockOp, YieldOp, QuantizeOp, FP8GemmOp>(op))
        times.forwardCompute += rooflineForwardSeconds(op, setup);
    });
  };
  for (int64_t index : stage.layers)
    addOps(setup.blocks[index]);
  for (auto [op, part] : setup.otherParts)
    if (stage.holds(part))
      addOps(op);
  // Recomputation runs the forward again during the backward.
  times.backwardCompute =
      training ? (run.getRecompute() ? 3 : 2) * times.forwardCompute : 0;

  // A dispatch and a combine per MoE layer, one message to the neighbour
  // stage (over InfiniBand when the cluster spans nodes).
  auto commSeconds = [&](double epIntra, double epInter, double pipeline) {
    double seconds =
        transferSeconds(setup, epIntra, epInter, 2 * micro.moeLayers);
    if (pipeline)
      seconds += transferSeconds(setup, multiNode ? 0 : pipeline,
                                 multiNode ? pipeline : 0, 1);
    return seconds;
  };
  times.forwardComm =
      commSeconds(micro.epIntraForward, micro.epInterForward, micro.ppForward);
  if (training)
    times.backwardComm = commSeconds(micro.epIntraBackward,
                                     micro.epInterBackward, micro.ppBackward);
  return times;
}

SmallVector<StageTimes>
dsc::estimateLayoutTimes(const ResolvedRun &setup,
                         const CommunicationAnalysis &comm) {
  SmallVector<StageTimes> times;
  for (auto [s, stage] : llvm::enumerate(setup.layout.stages))
    times.push_back(estimateStageTimes(setup, stage, comm.microBatches()[s]));
  return times;
}

ActionCosts dsc::pipelineCosts(ArrayRef<StageTimes> stages, bool overlap) {
  ActionCosts costs;
  for (const StageTimes &times : stages) {
    StageCosts stage;
    stage.forward = times.forward(overlap);
    stage.backward = times.backward(overlap);
    // The weight gradient is half the backward's matmuls.
    stage.weight = std::min(times.backwardCompute / 2, stage.backward);
    stage.forwardBackward = times.pair(overlap);
    costs.stages.push_back(stage);
  }
  return costs;
}

StepTimeAnalysis::StepTimeAnalysis(const ResolvedRun &setup,
                                   const ParameterCountAnalysis &params,
                                   const MemoryAnalysis &memory,
                                   const CommunicationAnalysis &comm) {
  RunOp run = setup.run;
  ModelOp model = setup.model;
  ClusterOp cluster = setup.cluster;
  training = setup.isTraining();
  bool multiNode = cluster.getNodes() > 1;

  SmallVector<StageTimes> stageTimes = estimateLayoutTimes(setup, comm);

  for (int64_t rank = 0; rank < setup.pp(); ++rank) {
    // A micro-batch's time on the rank: its stages, weighted by the share of
    // micro-batches running through each (DualPipe: the average of two).
    StageTimes times;
    for (int64_t stage : setup.stagesOnRank(rank)) {
      double share = setup.stageShare(rank, stage);
      const StageTimes &of = stageTimes[stage];
      times.forwardCompute += share * of.forwardCompute;
      times.backwardCompute += share * of.backwardCompute;
      times.forwardComm += share * of.forwardComm;
      times.backwardComm += share * of.backwardComm;
    }
    perStage.push_back(times);

    if (training) {
      // The gradient exchange spans nodes whenever the cluster does.
      double dpBytes = comm.stages()[rank].dp;
      dpSeconds =
          std::max(dpSeconds, transferSeconds(setup, multiNode ? 0 : dpBytes,
                                              multiNode ? dpBytes : 0, 2));
      // AdamW reads and writes its states, the master and compute weights
      // and reads the gradients.
      const MemoryBreakdown &bytes = memory.stages()[rank];
      optimizer =
          std::max(optimizer,
                   (2.0 * (bytes.optimizer + bytes.weights) + bytes.grads) /
                       (cluster.getGpu().getHbmGbps().convertToDouble() * 1e9));
    }
  }

  // The schedule itself, simulated with and without overlap.
  for (bool overlap : {false, true})
    pipelineSeconds[overlap] =
        llvm::cantFail(
            simulate(setup.pipeline, pipelineCosts(stageTimes, overlap)))
            .stepTime;

  tokensPerStep =
      double(setup.microBatchTokens()) * run.getMicroBatches() * setup.dp();
  FlopCountAnalysis flops(model, run.getSeqLen());
  flopsPerToken = flops.mainModel().forward + flops.mtpModules().forward;
  if (training)
    flopsPerToken += flops.mainModel().backward + flops.mtpModules().backward;
  gpus = cluster.getNumGPUs();
  peakFlops = cluster.getGpu().getBf16Tflops().convertToDouble() * 1e12;
}

double StepTimeAnalysis::stepSeconds(bool overlap) const {
  return pipelineSeconds[overlap] + dpSeconds + optimizer;
}

double StepTimeAnalysis::tokensPerSecond(bool overlap) const {
  return tokensPerStep / stepSeconds(overlap);
}

double StepTimeAnalysis::mfu(bool overlap) const {
  return flopsPerToken * tokensPerSecond(overlap) / (gpus * peakFlops);
}

double StepTimeAnalysis::gpuHours(double tokens, bool overlap) const {
  return gpus * tokens / tokensPerSecond(overlap) / 3600;
}
