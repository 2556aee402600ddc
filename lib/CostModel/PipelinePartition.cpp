//===- PipelinePartition.cpp - lay a model out on pipeline stages ---------===//

#include "dsc/CostModel/PipelinePartition.h"
#include "dsc/CostModel/Memory.h"
#include "dsc/CostModel/StagePartition.h"
#include "dsc/CostModel/StepTime.h"

using namespace mlir;
using namespace dsc;
using llvm::Expected;

namespace {
/// The model's parts in order, E, t..., m..., L, priced once.
class PartTable {
public:
  PartTable(const ResolvedRun &setup, const ParameterCountAnalysis &params)
      : setup(setup), params(params), stored(setup.model, &setup.weights) {
    ModelOp model = setup.model;
    numBlocks = model.getNumHiddenLayers();
    numMTP = model.getNumNextnPredictLayers();
    for (int64_t p = 0; p < numParts(); ++p) {
      StageLayout::Stage stage = stageOf({p, p + 1});
      times.push_back(estimateStageTimes(
          setup, stage, microBatchTraffic(setup, stage, false, false)));
      footprints.push_back(stageFootprint(setup, stage, params, stored));
    }
    // An empty stage that sends both ways: the cost of a stage's edges.
    StageLayout::Stage empty;
    edges = estimateStageTimes(setup, empty,
                               microBatchTraffic(setup, empty, true, true));
  }

  int64_t numParts() const { return numBlocks + numMTP + 2; }

  /// The stage holding parts [begin, end).
  StageLayout::Stage stageOf(PartRange range) const {
    StageLayout::Stage stage;
    for (int64_t p = range.begin; p < range.end; ++p) {
      if (p == 0)
        stage.hasEmbedding = true;
      else if (p <= numBlocks)
        stage.layers.push_back(p - 1);
      else if (p <= numBlocks + numMTP)
        stage.mtpModules.push_back(p - 1 - numBlocks);
      else
        stage.hasHead = true;
    }
    return stage;
  }

  double stageCost(int64_t stage, int64_t numStages, PartRange range) const {
    StageTimes sum;
    for (int64_t p = range.begin; p < range.end; ++p) {
      sum.forwardCompute += times[p].forwardCompute;
      sum.backwardCompute += times[p].backwardCompute;
      sum.forwardComm += times[p].forwardComm;
      sum.backwardComm += times[p].backwardComm;
    }
    if (stage + 1 < numStages)
      sum.forwardComm += edges.forwardComm;
    if (stage > 0)
      sum.backwardComm += edges.backwardComm;
    return sum.forward(/*overlap=*/true) + sum.backward(/*overlap=*/true);
  }

  /// Bytes per GPU of the rank running `ranges` with `inFlight` micro-batches
  /// of activations at its peak.
  int64_t rankBytes(ArrayRef<PartRange> ranges, int64_t inFlight) const {
    SmallVector<StageLayout::Stage, 2> stages;
    SmallVector<StageFootprint, 2> stageFootprints;
    for (PartRange range : ranges) {
      stages.push_back(stageOf(range));
      StageFootprint &footprint = stageFootprints.emplace_back();
      for (int64_t p = range.begin; p < range.end; ++p)
        footprint += footprints[p];
    }
    return rankMemory(setup,
                      rankFootprint(params, stored, stages, stageFootprints),
                      inFlight)
        .total();
  }

private:
  const ResolvedRun &setup;
  const ParameterCountAnalysis &params;
  /// Bytes of the compute copy (FP8 weights and their scales).
  ParameterCountAnalysis stored;
  int64_t numBlocks = 0, numMTP = 0;
  SmallVector<StageTimes> times;
  SmallVector<StageFootprint> footprints;
  StageTimes edges;
};
} // namespace

Expected<PipelinePartition>
dsc::partitionPipeline(const ResolvedRun &setup,
                       const ParameterCountAnalysis &params) {
  ClusterOp cluster = setup.cluster;
  ModelOp model = setup.model;
  PartTable table(setup, params);
  const ScheduledPipeline &pipeline = setup.pipeline;
  int64_t numStages = pipeline.numStages;
  // DualPipe and the V shapes put stages r and S - 1 - r on one rank.
  bool mirrored = setup.shape.stagesPerRank == 2 &&
                  setup.shape.kind != ScheduleKind::interleaved_1f1b;
  double capacity = cluster.getGpu().getHbmBytes();

  auto cost = [&](int64_t stage, PartRange range) {
    return table.stageCost(stage, numStages, range);
  };
  auto fits = [&](ArrayRef<int64_t> stages, ArrayRef<PartRange> ranges) {
    // Every rank running these stages keeps its own peak of activations.
    int64_t inFlight = 0;
    for (int64_t stage : stages)
      for (const std::vector<int64_t> &direction : pipeline.stageRank)
        inFlight = std::max(inFlight, setup.peakActivations[direction[stage]]);
    return table.rankBytes(ranges, inFlight) <= capacity;
  };
  PartitionProblem problem;
  problem.numParts = table.numParts();
  problem.numStages = numStages;
  problem.mirrored = mirrored;
  problem.stageCost = cost;
  problem.fits = fits;

  PipelinePartition result;
  Expected<Partition> partition = partitionStages(problem);
  if (!partition) {
    std::string why = toString(partition.takeError());
    if (why != "no layout fits in memory")
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s",
                                     why.c_str());
    result.fitsMemory = false;
    problem.fits = nullptr;
    partition = partitionStages(problem);
    if (!partition)
      return partition.takeError();
  }
  result.bottleneck = partition->bottleneck;
  int64_t begin = 0;
  for (int64_t size : partition->stageSizes) {
    result.layout.stages.push_back(table.stageOf({begin, begin + size}));
    begin += size;
  }

  // Megatron's even split, as parts per stage.
  StageLayout even = StageLayout::evenSplit(
      model.getNumHiddenLayers(), model.getNumNextnPredictLayers(), numStages);
  std::vector<int64_t> evenSizes;
  for (const StageLayout::Stage &stage : even.stages)
    evenSizes.push_back(stage.layers.size() + stage.mtpModules.size() +
                        stage.hasEmbedding + stage.hasHead);
  result.evenBottleneck = partitionBottleneck(problem, evenSizes);
  return result;
}
