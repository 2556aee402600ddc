//===- CostModel.h - the one cost model of a run ---------------*- C++ -*-===//
//
// Prices a resolved run once: its parameters, each rank's memory and
// traffic, each stage's roofline time and the simulated step. The partition
// pass, the schedule pass, `dsc report` and `dsc schedule --model` ask this
// object, so that one run and layout has one step time.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_COSTMODEL_COSTMODEL_H
#define DSC_COSTMODEL_COSTMODEL_H

#include "dsc/CostModel/StepTime.h"

namespace dsc {

class CostModel {
public:
  /// `run` must outlive the cost model.
  explicit CostModel(const ResolvedRun &run);
  CostModel(const CostModel &) = delete;
  CostModel &operator=(const CostModel &) = delete;

  const ResolvedRun &run() const { return resolved; }
  const ParameterCountAnalysis &parameters() const { return params; }
  const MemoryAnalysis &memory() const { return memoryAnalysis; }
  const CommunicationAnalysis &communication() const { return comm; }
  const StepTimeAnalysis &stepTime() const { return time; }

  /// Seconds of one micro-batch through each stage of the layout.
  llvm::ArrayRef<StageTimes> stageTimes() const { return perStage; }
  /// What the simulator charges each stage's passes, in seconds times
  /// `scale` (1e3: milliseconds), with each stage's activation bytes.
  ActionCosts actionCosts(bool overlap, double scale = 1) const;
  /// The step: the simulated schedule with compute and communication
  /// overlapped, then the data-parallel exchange and the optimizer.
  double stepSeconds() const { return time.stepSeconds(/*overlap=*/true); }
  /// Whether every rank fits in its GPU's memory.
  bool fitsMemory() const;

private:
  const ResolvedRun &resolved;
  ParameterCountAnalysis params;
  MemoryAnalysis memoryAnalysis;
  CommunicationAnalysis comm;
  llvm::SmallVector<StageTimes> perStage;
  StepTimeAnalysis time;
};

} // namespace dsc

#endif // DSC_COSTMODEL_COSTMODEL_H
