//===- ZeroBubbleScheduleTest.cpp - ZB-H1 and ZB-V ------------------------===//

#include "Schedule/ScheduleTestUtils.h"

using namespace dsc;
using namespace dsc::test;

namespace {

bool splitsBackwards(const ScheduledPipeline &schedule) {
  for (const std::vector<Step> &steps : schedule.ranks)
    for (const Step &step : steps)
      if (step.first.kind == ActionKind::B || step.overlapped)
        return false;
  return true;
}

// DeepSeek-V3 Table 2, "ZB1P": bubble (PP - 1)(F + B - 2W) with B the full
// backward, PP activations. Holds exactly while W <= F and W <= I = B - W.
TEST(ZeroBubbleH1, MatchesTable2) {
  for (int64_t pp : {2, 4, 8}) {
    for (int64_t m : {pp, pp + 1, 2 * pp, int64_t(20)}) {
      ScheduledPipeline schedule = llvm::cantFail(buildZeroBubbleH1(pp, m));
      expectComplete(schedule);
      EXPECT_TRUE(splitsBackwards(schedule));
      for (ActionCosts c : {costs(1, 2, 1), costs(2, 3, 1), costs(1, 3, 1),
                            costs(3, 5, 2), costs(1, 2, 0.5)}) {
        SimulationResult result = run(schedule, c);
        double table2 = (pp - 1) * (c.forward + c.backward - 2 * c.weight);
        for (int64_t rank = 0; rank < pp; ++rank) {
          EXPECT_DOUBLE_EQ(result.bubble[rank], table2)
              << "pp " << pp << " m " << m << " F " << c.forward << " B "
              << c.backward << " W " << c.weight << " rank " << rank;
          EXPECT_EQ(result.peakActivations[rank], pp);
        }
      }
    }
  }
}

// A W longer than F or I no longer fits the gap it is deferred into: the
// bubble becomes (PP - 1)(F + I - min(F, I, W)), more than Table 2 says.
TEST(ZeroBubbleH1, LongWeightPassesOverflow) {
  for (int64_t pp : {4, 8}) {
    for (ActionCosts c : {costs(1, 4, 2), costs(2, 3, 2), costs(1, 3, 1.5)}) {
      double input = c.backward - c.weight;
      double expected = (pp - 1) * (c.forward + input -
                                    std::min({c.forward, input, c.weight}));
      SimulationResult result =
          run(llvm::cantFail(buildZeroBubbleH1(pp, 2 * pp)), c);
      for (int64_t rank = 0; rank < pp; ++rank) {
        EXPECT_DOUBLE_EQ(result.bubble[rank], expected);
        EXPECT_GT(result.bubble[rank],
                  (pp - 1) * (c.forward + c.backward - 2 * c.weight));
      }
    }
  }
}

TEST(ZeroBubbleH1, DefersWeightsIntoTheDrain) {
  ScheduledPipeline schedule = llvm::cantFail(buildZeroBubbleH1(4, 8));
  // The last rank holds 3 W's back: its program ends with them.
  std::vector<Step> &last = schedule.ranks[3];
  for (size_t i = last.size() - 3; i < last.size(); ++i)
    EXPECT_EQ(last[i].first.kind, ActionKind::W);
  EXPECT_EQ(formatStep(last[0]), "F3.0");
  EXPECT_EQ(formatStep(last[1]), "I3.0");
  // The first rank runs F, I, W in step once warmed up.
  EXPECT_EQ(formatStep(schedule.ranks[0][3]), "F0.3");
  EXPECT_EQ(formatStep(schedule.ranks[0][4]), "I0.0");
  EXPECT_EQ(formatStep(schedule.ranks[0][5]), "W0.0");
  // Fewer micro-batches than stages still runs to the end.
  for (int64_t m : {1, 2, 3})
    expectComplete(llvm::cantFail(buildZeroBubbleH1(4, m)));
  for (int64_t m : {1, 2, 3})
    run(llvm::cantFail(buildZeroBubbleH1(4, m)), unitCosts());
}

/// Idle time of a rank between its first start and its last finish.
double idleInside(const std::vector<TimedStep> &row) {
  double busy = 0;
  for (const TimedStep &timed : row)
    busy += timed.finish - timed.start;
  return row.back().finish - row.front().start - busy;
}

// ZB-V's published property: with F = I = W a rank never idles between its
// first and its last pass, so its only bubble is the fill and drain of
// its pp ranks, (pp - 1) F; and it keeps its 2 pp stages' activations, like
// 1F1B's first rank. Both from 2 pp - 1 micro-batches on. (Below, `pp`
// counts the V's stages, 2 per rank, as the paper does.)
TEST(ZeroBubbleV, NoBubbleInsideWhenPassesAreEqual) {
  for (int64_t pp : {4, 6, 8, 16}) {
    for (int64_t m : {pp - 1, pp, pp + 3, 2 * pp, int64_t(40)}) {
      ScheduledPipeline schedule = llvm::cantFail(buildZeroBubbleV(pp / 2, m));
      ASSERT_EQ(schedule.numRanks(), pp / 2);
      ASSERT_EQ(schedule.numStages, pp);
      expectComplete(schedule);
      EXPECT_TRUE(splitsBackwards(schedule));
      for (double pass : {1.0, 2.0}) {
        SimulationResult result = run(schedule, costs(pass, 2 * pass, pass));
        EXPECT_DOUBLE_EQ(result.stepTime, 6 * pass * m + (pp / 2 - 1) * pass);
        for (int64_t rank = 0; rank < pp / 2; ++rank) {
          EXPECT_DOUBLE_EQ(result.bubble[rank], (pp / 2 - 1) * pass)
              << "pp " << pp << " m " << m << " rank " << rank;
          EXPECT_DOUBLE_EQ(idleInside(result.timeline[rank]), 0)
              << "pp " << pp << " m " << m << " rank " << rank;
          EXPECT_EQ(result.peakActivations[rank], pp);
        }
      }
    }
  }
}

TEST(ZeroBubbleV, VShapeAndSmallBatches) {
  ScheduledPipeline schedule = llvm::cantFail(buildZeroBubbleV(4, 8));
  EXPECT_EQ(schedule.stageRank[0][0], 0);
  EXPECT_EQ(schedule.stageRank[0][7], 0);
  EXPECT_EQ(schedule.stageRank[0][3], 3);
  EXPECT_EQ(schedule.stageRank[0][4], 3);
  // Beats DualPipeV's bubble on the same ranks when F = I = W.
  SimulationResult zbv = run(schedule, unitCosts());
  SimulationResult dualPipeV =
      run(llvm::cantFail(buildDualPipeV(4, 8)), unitCosts());
  EXPECT_LT(zbv.bubble[0], dualPipeV.bubble[0]);
  // Fewer micro-batches than rank 0's 2R - 1 warm-up forwards still finish.
  for (int64_t m : {1, 2, 3, 5}) {
    ScheduledPipeline few = llvm::cantFail(buildZeroBubbleV(4, m));
    expectComplete(few);
    run(few, unitCosts());
  }
  // Any rank count makes a V: three ranks run six stages.
  ScheduledPipeline three = llvm::cantFail(buildZeroBubbleV(3, 8));
  EXPECT_EQ(three.numStages, 6);
  expectComplete(three);
}

} // namespace
