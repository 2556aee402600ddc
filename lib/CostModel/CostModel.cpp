//===- CostModel.cpp - the one cost model of a resolved run ---------------===//

#include "dsc/CostModel/CostModel.h"

using namespace dsc;

CostModel::CostModel(const ResolvedRun &run)
    : resolved(run), params(run.model), memoryAnalysis(run, params),
      comm(run, params), perStage(estimateLayoutTimes(run, comm)),
      time(run, params, memoryAnalysis, comm) {}

ActionCosts CostModel::actionCosts(bool overlap, double scale) const {
  llvm::SmallVector<StageTimes> scaled(perStage);
  for (StageTimes &times : scaled)
    for (double *field : {&times.forwardCompute, &times.backwardCompute,
                          &times.forwardComm, &times.backwardComm})
      *field *= scale;
  ActionCosts costs = pipelineCosts(scaled, overlap);
  // What a micro-batch keeps on each stage, for the peak in bytes.
  ParameterCountAnalysis stored(resolved.model, &resolved.weights);
  for (auto [s, stage] : llvm::enumerate(resolved.layout.stages))
    costs.stages[s].activationBytes =
        double(stageFootprint(resolved, stage, params, stored)
                   .activationBytesPerToken) *
        resolved.microBatchTokens();
  return costs;
}

bool CostModel::fitsMemory() const {
  ClusterOp cluster = resolved.cluster;
  return memoryAnalysis.largest().total() <= cluster.getGpu().getHbmBytes();
}
