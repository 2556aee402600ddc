//===- PipelineSimulator.h - run a schedule under costs ---------*- C++ -*-===//
//
// Executes every rank's program in order: a step starts when its rank is
// free and its inputs exist (a forward needs the previous stage's forward
// of the micro-batch, a backward the next stage's backward, or the forward
// on the last stage; a W needs its I), plus `comm` when the input comes
// from another rank. Reports the step time, each rank's bubble and its peak
// activations (micro-batch stage activations alive from F until the B, or
// the W, that frees them). A schedule that cannot finish is a deadlock,
// reported with what each stuck rank waits for.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SCHEDULE_PIPELINESIMULATOR_H
#define DSC_SCHEDULE_PIPELINESIMULATOR_H

#include "dsc/Schedule/PipelineSchedule.h"

namespace dsc {

/// The costs of one stage's passes.
struct StageCosts {
  double forward = 1;
  double backward = 2; // full backward B = I + W
  double weight = 1;   // W; I costs backward - weight
  /// An overlapped pair whose forward runs this stage; default the sum of
  /// the pair's two passes.
  std::optional<double> forwardBackward;
  /// Bytes of activations one micro-batch keeps on this stage from its F
  /// until its B (or W); 0: not priced.
  double activationBytes = 0;
};

struct ActionCosts {
  double forward = 1;
  double backward = 2; // full backward B = I + W
  double weight = 1;   // W; I costs backward - weight
  /// An overlapped forward-backward pair; default forward + backward.
  std::optional<double> forwardBackward;
  /// Point-to-point latency between ranks.
  double comm = 0;
  /// Per global stage, for uneven stages (a cost model's layer split):
  /// empty means every stage costs the uniform values above; otherwise one
  /// entry per stage, replacing them (the uniform forwardBackward is then
  /// unused).
  std::vector<StageCosts> stages;

  /// The costs of `stage`'s passes.
  StageCosts of(int64_t stage) const;
};

struct TimedStep {
  Step step;
  double start = 0;
  double finish = 0;
};

struct SimulationResult {
  double stepTime = 0;
  std::vector<double> bubble;           // per rank: step time - busy time
  std::vector<int64_t> peakActivations; // per rank
  /// Per rank, when the stages price activations (StageCosts).
  std::vector<double> peakActivationBytes;
  std::vector<std::vector<TimedStep>> timeline;
};

/// Fails on a deadlock, on per-stage costs for the wrong number of stages
/// and on a W costlier than its B.
llvm::Expected<SimulationResult> simulate(const ScheduledPipeline &schedule,
                                          const ActionCosts &costs);

} // namespace dsc

#endif // DSC_SCHEDULE_PIPELINESIMULATOR_H
