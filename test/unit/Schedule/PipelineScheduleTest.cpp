//===- PipelineScheduleTest.cpp - schedules and their simulation ----------===//

#include "Schedule/ScheduleTestUtils.h"
#include <set>

using namespace dsc;
using namespace dsc::test;

namespace {

// DeepSeek-V3 Table 2: 1F1B's bubble is (PP - 1)(F + B) on every rank and
// it keeps PP micro-batches of activations.
TEST(ScheduleKind, OneFOneBMatchesTable2) {
  for (int64_t pp : {2, 4, 8}) {
    for (int64_t m : {pp, 2 * pp, int64_t(20)}) {
      ScheduledPipeline schedule = llvm::cantFail(buildOneFOneB(pp, m));
      expectComplete(schedule);
      SimulationResult result = run(schedule, unitCosts());
      EXPECT_DOUBLE_EQ(result.stepTime, 3.0 * m + (pp - 1) * 3);
      for (int64_t rank = 0; rank < pp; ++rank) {
        EXPECT_DOUBLE_EQ(result.bubble[rank], (pp - 1) * 3.0);
        EXPECT_EQ(result.peakActivations[rank], std::min(pp - rank, m));
      }
    }
  }
  EXPECT_EQ(formatStep(llvm::cantFail(buildOneFOneB(4, 8)).ranks[0][3]),
            "F0.3");
}

// Table 2: DualPipe's bubble is (PP/2 - 1)(F&B + B - 3W) and it keeps PP + 1
// micro-batches of activations (PP/2 - 1 = 1, 3 for PP 4, 8).
TEST(ScheduleKind, DualPipeMatchesTable2) {
  for (int64_t pp : {4, 8}) {
    for (int64_t m : {2 * pp, int64_t(20), int64_t(40)}) {
      ScheduledPipeline schedule = llvm::cantFail(buildDualPipe(pp, m));
      expectComplete(schedule);
      for (ActionCosts costs : {unitCosts(), [] {
                                  ActionCosts overlap = unitCosts();
                                  overlap.forwardBackward =
                                      2.5; // F&B cheaper than F + B
                                  return overlap;
                                }()}) {
        double pair = costs.forwardBackward.value_or(3.0);
        SimulationResult result = run(schedule, costs);
        double bubble = (pp / 2 - 1) * (pair + 2 - 3 * 1);
        for (int64_t rank = 0; rank < pp; ++rank) {
          EXPECT_EQ(result.peakActivations[rank], pp + 1)
              << "pp " << pp << " m " << m << " rank " << rank;
          if (!costs.forwardBackward)
            EXPECT_DOUBLE_EQ(result.bubble[rank], bubble)
                << "pp " << pp << " m " << m << " rank " << rank;
          else // cheaper pairs can only shrink the bubble
            EXPECT_LE(result.bubble[rank], bubble + 1e-9)
                << "pp " << pp << " m " << m << " rank " << rank;
        }
      }
    }
  }
}

// Table 2: DualPipeV keeps DualPipe's bubble and activations on half the
// ranks (PP/2 of them, two stages each; `pp` below counts DualPipe's ranks,
// the V's stages).
TEST(ScheduleKind, DualPipeVMatchesTable2) {
  for (int64_t pp : {4, 8, 16}) {
    for (int64_t m : {pp, pp + 3, int64_t(40)}) {
      ScheduledPipeline schedule = llvm::cantFail(buildDualPipeV(pp / 2, m));
      ASSERT_EQ(schedule.ranks.size(), size_t(pp / 2));
      ASSERT_EQ(schedule.numStages, pp);
      expectComplete(schedule);
      SimulationResult result = run(schedule, unitCosts());
      for (int64_t rank = 0; rank < pp / 2; ++rank) {
        EXPECT_DOUBLE_EQ(result.bubble[rank], (pp / 2 - 1) * 2.0)
            << "pp " << pp << " m " << m << " rank " << rank;
        EXPECT_EQ(result.peakActivations[rank], pp + 1);
      }
    }
  }
  // Rank 0 holds the first and the last stage of the V.
  ScheduledPipeline schedule = llvm::cantFail(buildDualPipeV(4, 8));
  EXPECT_EQ(schedule.stageRank[0][0], 0);
  EXPECT_EQ(schedule.stageRank[0][7], 0);
  EXPECT_EQ(schedule.stageRank[0][3], 3);
  EXPECT_EQ(schedule.stageRank[0][4], 3);
  llvm::Expected<ScheduledPipeline> few = buildDualPipeV(4, 6);
  ASSERT_FALSE(static_cast<bool>(few));
  EXPECT_EQ(llvm::toString(few.takeError()),
            "DualPipeV needs at least as many micro-batches as its 2 * pp "
            "stages; have pp 4 and 6 micro-batches; use 8");
}

TEST(ScheduleKind, DualPipeOverlapsPairsAndDefersWeights) {
  ScheduledPipeline schedule = llvm::cantFail(buildDualPipe(8, 20));
  std::set<std::string> kinds;
  int pairs = 0;
  for (const Step &step : schedule.ranks[0]) {
    pairs += step.overlapped.has_value();
    kinds.insert(formatStep(step).substr(0, 1));
  }
  EXPECT_GT(pairs, 0);
  EXPECT_TRUE(kinds.count("I") && kinds.count("W"));
  // Rank 0 runs stage 0 forward and stage 7 for the reverse direction.
  EXPECT_EQ(formatStep(schedule.ranks[0].front()), "F0.0");
  EXPECT_EQ(schedule.stageRank[1][7], 0);
}

TEST(ScheduleKind, PreconditionsSayWhatToChange) {
  llvm::Expected<ScheduledPipeline> odd = buildDualPipe(3, 12);
  ASSERT_FALSE(static_cast<bool>(odd));
  EXPECT_EQ(llvm::toString(odd.takeError()),
            "DualPipe needs an even number of pipeline ranks (the two "
            "directions pair rank r with pp - 1 - r), got pp 3; use 4 or 2");
  llvm::Expected<ScheduledPipeline> few = buildDualPipe(8, 10);
  ASSERT_FALSE(static_cast<bool>(few));
  EXPECT_EQ(llvm::toString(few.takeError()),
            "DualPipe needs an even number of micro-batches of at least 2 * "
            "pp (half flow each way); have pp 8 and 10 micro-batches; use 16");
  llvm::Expected<ScheduledPipeline> none = buildOneFOneB(4, 0);
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_EQ(llvm::toString(none.takeError()),
            "the step needs at least one micro-batch, got 0");
}

// A program that runs a backward before the forward it needs cannot finish.
TEST(ScheduleKind, DetectsDeadlock) {
  ScheduledPipeline schedule = llvm::cantFail(buildOneFOneB(2, 2));
  std::swap(schedule.ranks[1][0], schedule.ranks[1][1]); // B1.0 before F1.0
  llvm::Expected<SimulationResult> result = simulate(schedule, unitCosts());
  ASSERT_FALSE(static_cast<bool>(result));
  EXPECT_EQ(llvm::toString(result.takeError()),
            "the schedule deadlocks: rank 0 waits at B0.0 for B1.0; rank 1 "
            "waits at B1.0 for F1.0");
}

TEST(ScheduleKind, CommunicationLatencyAddsToTheChain) {
  // One micro-batch over 2 stages: F0, send, F1, B1, send, B0.
  ActionCosts costs = unitCosts();
  costs.comm = 0.5;
  EXPECT_DOUBLE_EQ(run(llvm::cantFail(buildOneFOneB(2, 1)), costs).stepTime,
                   6 + 2 * 0.5);
  ScheduledPipeline schedule = llvm::cantFail(buildOneFOneB(4, 8));
  EXPECT_GT(run(schedule, costs).stepTime, run(schedule, unitCosts()).stepTime);
}

} // namespace
