//===- StageCostsTest.cpp - uneven stages in the simulator ----------------===//

#include "Schedule/ScheduleTestUtils.h"

using namespace dsc;
using namespace dsc::test;

namespace {

std::vector<StageCosts> uniformStages(int64_t pp, const ActionCosts &c) {
  return std::vector<StageCosts>(
      pp, StageCosts{c.forward, c.backward, c.weight, c.forwardBackward});
}

// Per-stage costs equal to the uniform ones change nothing.
TEST(StageCosts, UniformStagesMatchUniformCosts) {
  ActionCosts pairs = unitCosts();
  pairs.forwardBackward = 2.5;
  for (ScheduleKind kind :
       {ScheduleKind::one_f_one_b, ScheduleKind::zb_v, ScheduleKind::dualpipe,
        ScheduleKind::interleaved_1f1b}) {
    ScheduledPipeline schedule = llvm::cantFail(buildSchedule({kind, 4, 16}));
    ActionCosts staged = pairs;
    staged.stages = uniformStages(schedule.numStages, pairs);
    staged.forwardBackward.reset(); // the stages' own FB applies
    SimulationResult uniform = run(schedule, pairs);
    SimulationResult perStage = run(schedule, staged);
    EXPECT_DOUBLE_EQ(perStage.stepTime, uniform.stepTime);
    EXPECT_EQ(perStage.bubble, uniform.bubble);
  }
}

// One micro-batch through two stages is the sum of every pass.
TEST(StageCosts, ChainAddsEachStagesCosts) {
  ActionCosts c = unitCosts();
  c.stages = {{1, 2, 1, std::nullopt}, {3, 4, 1, std::nullopt}};
  EXPECT_DOUBLE_EQ(run(llvm::cantFail(buildOneFOneB(2, 1)), c).stepTime,
                   1 + 3 + 4 + 2);
}

// A stage twice as slow sets the pace: 1F1B's steady state runs at its
// F + B per micro-batch, so it idles least and the others wait on it.
TEST(StageCosts, SlowStageIsTheBottleneck) {
  ActionCosts c = unitCosts();
  c.stages = uniformStages(4, c);
  c.stages[2] = {2, 4, 2, std::nullopt};
  int64_t m = 16;
  SimulationResult result = run(llvm::cantFail(buildOneFOneB(4, m)), c);
  EXPECT_GE(result.stepTime, m * 6.0);
  for (int64_t rank : {0, 1, 3})
    EXPECT_GT(result.bubble[rank], result.bubble[2]);
  EXPECT_GT(result.stepTime,
            run(llvm::cantFail(buildOneFOneB(4, m)), unitCosts()).stepTime);
}

// 1F1B on 2 stages: rank 0 holds 2 micro-batches of its 10 bytes before the
// first backward, rank 1 one of its 25; DualPipe on 4 ranks holds pp + 1 = 5
// stage activations, priced by the stages they belong to.
TEST(StageCosts, PeakActivationBytes) {
  ActionCosts c = unitCosts();
  c.stages = uniformStages(2, c);
  c.stages[0].activationBytes = 10;
  c.stages[1].activationBytes = 25;
  SimulationResult result = run(llvm::cantFail(buildOneFOneB(2, 4)), c);
  EXPECT_EQ(result.peakActivationBytes, (std::vector<double>{20, 25}));

  ScheduledPipeline dual = llvm::cantFail(buildDualPipe(4, 8));
  ActionCosts d = unitCosts();
  d.stages = uniformStages(4, d);
  for (StageCosts &stage : d.stages)
    stage.activationBytes = 3;
  SimulationResult priced = run(dual, d);
  for (int64_t rank = 0; rank < 4; ++rank)
    EXPECT_DOUBLE_EQ(priced.peakActivationBytes[rank],
                     3.0 * priced.peakActivations[rank]);
  // Unpriced stages report no bytes.
  EXPECT_TRUE(run(dual, unitCosts()).peakActivationBytes.empty());
}

TEST(StageCosts, Rejected) {
  ScheduledPipeline schedule = llvm::cantFail(buildOneFOneB(4, 4));
  ActionCosts c = unitCosts();
  c.stages = uniformStages(3, c);
  llvm::Expected<SimulationResult> wrongSize = simulate(schedule, c);
  ASSERT_FALSE(static_cast<bool>(wrongSize));
  EXPECT_EQ(llvm::toString(wrongSize.takeError()),
            "per-stage costs are given for 3 stages, but the schedule has 4");
  c.stages = uniformStages(4, c);
  c.stages[1].weight = 3;
  llvm::Expected<SimulationResult> heavyWeight = simulate(schedule, c);
  ASSERT_FALSE(static_cast<bool>(heavyWeight));
  EXPECT_EQ(llvm::toString(heavyWeight.takeError()),
            "stage 1: costs must be >= 0 and W (3) at most B (2)");
}

} // namespace
