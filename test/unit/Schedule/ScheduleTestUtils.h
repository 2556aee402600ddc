//===- ScheduleTestUtils.h - helpers for the schedule tests -----*- C++ -*-===//

#ifndef DSC_TEST_UNIT_SCHEDULE_SCHEDULETESTUTILS_H
#define DSC_TEST_UNIT_SCHEDULE_SCHEDULETESTUTILS_H

#include "dsc/Schedule/PipelineSimulator.h"
#include "gtest/gtest.h"
#include <map>

namespace dsc::test {

/// F = 1, B = 2 (I = 1, W = 1), an overlapped pair F + B, no latency.
inline ActionCosts unitCosts() {
  ActionCosts costs;
  costs.forward = 1;
  costs.backward = 2;
  costs.weight = 1;
  return costs;
}

inline SimulationResult run(const ScheduledPipeline &schedule,
                            ActionCosts costs) {
  llvm::Expected<SimulationResult> result = simulate(schedule, costs);
  EXPECT_TRUE(static_cast<bool>(result)) << llvm::toString(result.takeError());
  return result ? *result : SimulationResult();
}

/// Every (stage, micro-batch) gets one F and one B, or one I and one W, on
/// the rank that runs the stage for that micro-batch's direction.
inline void expectComplete(const ScheduledPipeline &schedule) {
  std::map<std::tuple<int64_t, int64_t, int>, int> seen;
  for (size_t rank = 0; rank < schedule.ranks.size(); ++rank)
    for (const Step &step : schedule.ranks[rank])
      for (const Action *action :
           {&step.first, step.overlapped ? &*step.overlapped : nullptr}) {
        if (!action)
          continue;
        int64_t direction = schedule.directionOf(action->microBatch);
        EXPECT_EQ(schedule.stageRank[direction][action->stage],
                  static_cast<int64_t>(rank))
            << formatStep(step);
        ++seen[{action->stage, action->microBatch,
                static_cast<int>(action->kind)}];
      }
  for (int64_t s = 0; s < schedule.numStages; ++s)
    for (int64_t mb = 0; mb < schedule.numMicroBatches; ++mb) {
      int f = seen[{s, mb, int(ActionKind::F)}];
      int b = seen[{s, mb, int(ActionKind::B)}];
      int i = seen[{s, mb, int(ActionKind::I)}];
      int w = seen[{s, mb, int(ActionKind::W)}];
      EXPECT_EQ(f, 1) << "stage " << s << " micro-batch " << mb;
      EXPECT_TRUE((b == 1 && i == 0 && w == 0) || (b == 0 && i == 1 && w == 1))
          << "stage " << s << " micro-batch " << mb;
    }
}

/// Uniform costs F, B (full backward) and W.
inline ActionCosts costs(double forward, double backward, double weight) {
  ActionCosts costs;
  costs.forward = forward;
  costs.backward = backward;
  costs.weight = weight;
  return costs;
}

} // namespace dsc::test

#endif // DSC_TEST_UNIT_SCHEDULE_SCHEDULETESTUTILS_H
