//===- Communication.cpp - bytes each GPU sends per step ------------------===//

#include "dsc/CostModel/Communication.h"

using namespace mlir;
using namespace dsc;

/// Bytes per value the MoE all-to-all dispatch sends: FP8 with one scale
/// per tile (a byte for UE8M0, else FP32) when the run dispatches FP8
/// (ResolvedRun::fp8Dispatch), else BF16.
static double dispatchBytesPerValue(MoEOp moe, const ResolvedRun &setup) {
  if (std::optional<FP8Dispatch> fp8 = setup.fp8Dispatch(moe))
    return 1 + (fp8->scale == ScaleFormat::ue8m0 ? 1.0 : 4.0) / fp8->tile;
  return 2;
}

DispatchFanout dsc::computeDispatchFanout(const ResolvedRun &setup,
                                          MoEOp moeOp) {
  MoEAttr moe = moeOp.getConfig();
  RunOp run = setup.run;
  ClusterOp cluster = setup.cluster;
  int64_t ep = setup.ep();
  int64_t gpusPerNode = cluster.getGpusPerNode();
  DispatchFanout fanout;
  fanout.nodes = (ep + gpusPerNode - 1) / gpusPerNode;
  int64_t chosen = moe.getNumExpertsPerTok();
  // Node-limited routing bounds the nodes a token reaches by the groups it
  // may use when the groups are laid out over the nodes.
  int64_t reachable = std::min<int64_t>(chosen, fanout.nodes);
  if (moe.isGroupLimited() && moe.getNGroup() % fanout.nodes == 0)
    reachable = std::min<int64_t>(reachable, moe.getTopkGroup() * fanout.nodes /
                                                 moe.getNGroup());
  reachable = std::max<int64_t>(reachable, 1);
  // One of the nodes reached may be the token's own.
  fanout.remoteNodes = reachable * (1.0 - 1.0 / fanout.nodes);
  // With a placement, an expert with a replica on the token's node serves it
  // there: only experts missing from the node cost InfiniBand.
  if (std::optional<ExpertPlacementAttr> placement = moeOp.getPlacement()) {
    int64_t nodes = placement->getNodes();
    int64_t slotsPerNode = placement->getPhy2log().size() / nodes;
    std::vector<std::vector<bool>> onNode(moe.getNRoutedExperts(),
                                          std::vector<bool>(nodes, false));
    for (auto [slot, e] : llvm::enumerate(placement->getPhy2log()))
      onNode[e][slot / slotsPerNode] = true;
    double missing = 0;
    for (const std::vector<bool> &held : onNode)
      missing += 1.0 - double(llvm::count(held, true)) / nodes;
    fanout.remoteNodes = std::min(fanout.remoteNodes,
                                  chosen * missing / moe.getNRoutedExperts());
  }
  // Inside a node, a copy stays put only if its expert is on the receiving
  // GPU itself.
  int64_t gpusPerNodeInEP = std::min(ep, gpusPerNode);
  fanout.nvlinkCopies = chosen * (1.0 - 1.0 / gpusPerNodeInEP);
  return fanout;
}

CommunicationAnalysis::MicroBatch
dsc::microBatchTraffic(const ResolvedRun &setup,
                       const StageLayout::Stage &stage, bool sendsForward,
                       bool sendsBackward) {
  ModelOp model = setup.model;
  bool training = setup.isTraining();
  double tokens = setup.microBatchTokens();
  double hidden = model.getHiddenSize();
  double combineBytes = 2, gradientBytes = 2;
  CommunicationAnalysis::MicroBatch micro;
  // MoE layers on the stage and their fan-out (the config is model-wide).
  SmallVector<MoEOp> moes;
  auto collect = [&](BlockOp block) {
    block.walk([&](MoEOp moe) { moes.push_back(moe); });
  };
  for (int64_t index : stage.layers)
    collect(setup.blocks[index]);
  for (int64_t index : stage.mtpModules)
    collect(MTPOp(setup.mtpModules[index]).getBlock());
  micro.moeLayers = moes.size();
  for (MoEOp moe : moes) {
    DispatchFanout fanout = computeDispatchFanout(setup, moe);
    double perToken = tokens * hidden;
    double dispatchBytes = dispatchBytesPerValue(moe, setup);
    micro.epInterForward +=
        perToken * fanout.remoteNodes * (dispatchBytes + combineBytes);
    micro.epIntraForward +=
        perToken * fanout.nvlinkCopies * (dispatchBytes + combineBytes);
    if (training) {
      micro.epInterBackward +=
          perToken * fanout.remoteNodes * 2 * gradientBytes;
      micro.epIntraBackward +=
          perToken * fanout.nvlinkCopies * 2 * gradientBytes;
    }
  }
  double boundary = tokens * hidden * 2;
  if (sendsForward)
    micro.ppForward = boundary;
  if (training && sendsBackward)
    micro.ppBackward = boundary;
  return micro;
}

CommunicationAnalysis::CommunicationAnalysis(
    const ResolvedRun &setup, const ParameterCountAnalysis &params) {
  RunOp run = setup.run;
  bool training = setup.isTraining();
  int64_t pp = setup.pp(), ep = setup.ep(), dp = setup.dp();
  int64_t microBatches = run.getMicroBatches();

  // Neighbouring stages on one rank (the bottom of a V) pass activations in
  // memory.
  int64_t numStages = setup.layout.stages.size();
  const std::vector<int64_t> &rankOf = setup.pipeline.stageRank.front();
  auto crossesRanks = [&](int64_t from, int64_t to) {
    return to >= 0 && to < numStages && rankOf[from] != rankOf[to];
  };
  SmallVector<CommVolume> perStageVolume;
  for (auto [index, stage] : llvm::enumerate(setup.layout.stages)) {
    int64_t s = index;
    MicroBatch micro = microBatchTraffic(setup, stage, crossesRanks(s, s + 1),
                                         crossesRanks(s, s - 1));
    CommVolume volume;
    volume.pp = microBatches * (micro.ppForward + micro.ppBackward);
    volume.epInterNode =
        microBatches * (micro.epInterForward + micro.epInterBackward);
    volume.epIntraNode =
        microBatches * (micro.epIntraForward + micro.epIntraBackward);
    if (training) {
      // Parameters of the stage: replicated over dp, routed over dp / ep.
      ComponentParams held = stageParameters(stage, params);
      double routed = held.routedExperts, all = held.total();
      auto ring = [&](double count, int64_t group) {
        if (group <= 1)
          return 0.0;
        double share = (group - 1.0) / group;
        return run.getZero() == 1 ? share * count * (4 + 2) // RS + AG
                                  : 2 * share * count * 4;  // all-reduce
      };
      volume.dp =
          ring(all - routed, dp) + ring(routed * setup.routedShare, dp / ep);
    }
    perStageVolume.push_back(volume);
    perMicroBatch.push_back(micro);
  }

  // A rank sends what its stages send for the micro-batches it runs them
  // for (DualPipe: half through each), and exchanges all their gradients.
  for (int64_t rank = 0; rank < pp; ++rank) {
    CommVolume volume;
    for (int64_t stage : setup.stagesOnRank(rank)) {
      const CommVolume &of = perStageVolume[stage];
      double share = setup.stageShare(rank, stage);
      volume.pp += share * of.pp;
      volume.epIntraNode += share * of.epIntraNode;
      volume.epInterNode += share * of.epInterNode;
      volume.dp += of.dp;
    }
    perStage.push_back(volume);
  }
}
