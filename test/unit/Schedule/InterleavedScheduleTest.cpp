//===- InterleavedScheduleTest.cpp - Megatron's interleaved 1F1B ----------===//

#include "Schedule/ScheduleTestUtils.h"

using namespace dsc;
using namespace dsc::test;

namespace {

// Megatron (Narayanan et al. 2021): with v chunks per rank the bubble is
// 1F1B's divided by v. With per-stage (per-chunk) costs F and B that is
// (R - 1)(F + B) on each of the R ranks, whatever the costs; the step adds
// it to the m * v * (F + B) of work.
TEST(InterleavedSchedule, BubbleIsOneFOneBsOverV) {
  for (int64_t ranks : {2, 3, 4}) {
    for (int64_t v : {2, 3, 4}) {
      for (int64_t m : {ranks, 2 * ranks, 5 * ranks}) {
        ScheduledPipeline schedule =
            llvm::cantFail(buildInterleavedOneFOneB(ranks, v, m));
        ASSERT_EQ(schedule.numRanks(), ranks);
        expectComplete(schedule);
        for (ActionCosts c : {costs(1, 2, 1), costs(2, 3, 1), costs(3, 1, 0)}) {
          double pass = c.forward + c.backward;
          SimulationResult result = run(schedule, c);
          EXPECT_DOUBLE_EQ(result.stepTime, m * v * pass + (ranks - 1) * pass)
              << "R " << ranks << " v " << v << " m " << m;
          for (int64_t rank = 0; rank < ranks; ++rank)
            EXPECT_DOUBLE_EQ(result.bubble[rank], (ranks - 1) * pass)
                << "R " << ranks << " v " << v << " m " << m << " rank "
                << rank;
        }
      }
    }
  }
}

// Megatron keeps a rank's warm-up forwards plus one alive: (R - r - 1) * 2 +
// (v - 1) * R + 1 chunk activations, all m * v when m == R.
TEST(InterleavedSchedule, ActivationsAsMegatron) {
  for (int64_t ranks : {2, 4}) {
    for (int64_t v : {2, 3}) {
      for (int64_t m : {ranks, 2 * ranks, 3 * ranks}) {
        ScheduledPipeline schedule =
            llvm::cantFail(buildInterleavedOneFOneB(ranks, v, m));
        SimulationResult result = run(schedule, unitCosts());
        for (int64_t rank = 0; rank < ranks; ++rank) {
          int64_t expected = m == ranks
                                 ? m * v
                                 : std::min(m * v, (ranks - rank - 1) * 2 +
                                                       (v - 1) * ranks + 1);
          EXPECT_EQ(result.peakActivations[rank], expected)
              << "R " << ranks << " v " << v << " m " << m << " rank " << rank;
        }
      }
    }
  }
}

TEST(InterleavedSchedule, ChunksAndOrder) {
  ScheduledPipeline schedule =
      llvm::cantFail(buildInterleavedOneFOneB(4, 2, 8));
  // Rank r holds stages r and r + R.
  for (int64_t s = 0; s < 8; ++s)
    EXPECT_EQ(schedule.stageRank[0][s], s % 4);
  // Rank 0 warms up with (4 - 1) * 2 + 4 = 10 forwards: micro-batches 0-3
  // through chunk 0, the same through chunk 1, then 4 and 5 through chunk 0.
  std::vector<std::string> warmup;
  for (int i = 0; i < 11; ++i)
    warmup.push_back(formatStep(schedule.ranks[0][i]));
  EXPECT_EQ(warmup, (std::vector<std::string>{"F0.0", "F0.1", "F0.2", "F0.3",
                                              "F4.0", "F4.1", "F4.2", "F4.3",
                                              "F0.4", "F0.5", "F0.6"}));
  // The first backward runs the last chunk.
  EXPECT_EQ(formatStep(schedule.ranks[0][11]), "B4.0");
  // 1F1B on the same 4 ranks, each running both chunks as one stage
  // (F = 2, B = 4), idles twice as long.
  SimulationResult interleaved = run(schedule, unitCosts());
  SimulationResult plain =
      run(llvm::cantFail(buildOneFOneB(4, 8)), costs(2, 4, 2));
  EXPECT_DOUBLE_EQ(interleaved.bubble[0] * 2, plain.bubble[0]);
}

TEST(InterleavedSchedule, PreconditionsNameTheParameter) {
  auto parameterOf = [](llvm::Expected<ScheduledPipeline> schedule,
                        std::string &message) {
    EXPECT_FALSE(static_cast<bool>(schedule));
    ScheduleParameter parameter = ScheduleParameter::PP;
    llvm::handleAllErrors(schedule.takeError(),
                          [&](const ScheduleRequestError &error) {
                            parameter = error.parameter;
                            message = error.message;
                          });
    return parameter;
  };
  std::string message;
  EXPECT_EQ(parameterOf(buildInterleavedOneFOneB(4, 2, 6), message),
            ScheduleParameter::MicroBatches);
  EXPECT_EQ(message, "interleaved 1F1B needs the micro-batches to be a "
                     "multiple of the 4 pipeline ranks, got 6; use 8");
  EXPECT_EQ(parameterOf(buildInterleavedOneFOneB(4, 1, 8), message),
            ScheduleParameter::VirtualStages);
  EXPECT_EQ(message, "interleaved 1F1B needs at least 2 virtual stages (model "
                     "chunks) per rank, got 1; use 1f1b for one chunk per "
                     "rank");
}

} // namespace
