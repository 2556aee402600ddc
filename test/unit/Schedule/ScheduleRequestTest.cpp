//===- ScheduleRequestTest.cpp - the dispatcher over schedule kinds -------===//

#include "Schedule/ScheduleTestUtils.h"
#include <set>

using namespace dsc;
using namespace dsc::test;

namespace {

constexpr ScheduleKind allKinds[] = {
    ScheduleKind::one_f_one_b, ScheduleKind::interleaved_1f1b,
    ScheduleKind::zb_h1,       ScheduleKind::zb_v,
    ScheduleKind::dualpipe,    ScheduleKind::dualpipev};

TEST(ScheduleRequest, NamesRoundTrip) {
  std::vector<std::string> names;
  for (ScheduleKind kind : allKinds) {
    names.push_back(scheduleKindName(kind).str());
    EXPECT_EQ(parseScheduleKind(scheduleKindName(kind)), kind);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"1f1b", "interleaved-1f1b", "zb-h1",
                                      "zb-v", "dualpipe", "dualpipev"}));
  // The IR's keywords spell the same kinds.
  for (ScheduleKind kind : allKinds)
    EXPECT_EQ(parseScheduleKind(stringifyScheduleKind(kind)), kind);
  EXPECT_EQ(scheduleKindList(),
            "1f1b, interleaved-1f1b, zb-h1, zb-v, dualpipe or dualpipev");
  EXPECT_EQ(parseScheduleKind("zb-h2"), std::nullopt);
  EXPECT_EQ(parseScheduleKind("1F1B"), std::nullopt);
}

// Every kind through the one entry point, on pp = 4 ranks: the kind asked
// for, pp ranks, the stages its shape says, all passes present, and a
// simulation that finishes.
TEST(ScheduleRequest, BuildsEveryKindOnPPRanks) {
  const std::map<ScheduleKind, std::pair<int64_t, int64_t>> stagesFor4 = {
      {ScheduleKind::one_f_one_b, {4, 1}},
      {ScheduleKind::interleaved_1f1b, {8, 2}},
      {ScheduleKind::zb_h1, {4, 1}},
      {ScheduleKind::zb_v, {8, 2}},
      {ScheduleKind::dualpipe, {4, 2}},
      {ScheduleKind::dualpipev, {8, 2}}};
  for (ScheduleKind kind : allKinds) {
    PipelineShape shape = llvm::cantFail(pipelineShape(kind, 4));
    EXPECT_EQ(shape.ranks, 4);
    EXPECT_EQ(shape.stages, stagesFor4.at(kind).first);
    EXPECT_EQ(shape.stagesPerRank, stagesFor4.at(kind).second);
    ScheduleRequest request{kind, 4, 16};
    ScheduledPipeline schedule = llvm::cantFail(buildSchedule(request));
    EXPECT_EQ(schedule.kind, kind);
    EXPECT_EQ(schedule.numRanks(), 4) << scheduleKindName(kind).str();
    EXPECT_EQ(schedule.numStages, shape.stages);
    expectComplete(schedule);
    EXPECT_GT(run(schedule, unitCosts()).stepTime, 0);
    // Every rank runs as many stages as the shape says it holds.
    for (int64_t rank = 0; rank < 4; ++rank) {
      std::set<int64_t> stages;
      for (const std::vector<int64_t> &direction : schedule.stageRank)
        for (auto [stage, owner] : llvm::enumerate(direction))
          if (owner == rank)
            stages.insert(stage);
      EXPECT_EQ(int64_t(stages.size()), shape.stagesPerRank)
          << scheduleKindName(kind).str() << " rank " << rank;
    }
  }
  ScheduleRequest fourChunks{ScheduleKind::interleaved_1f1b, 2, 16, 4};
  ScheduledPipeline chunked = llvm::cantFail(buildSchedule(fourChunks));
  EXPECT_EQ(chunked.numRanks(), 2);
  EXPECT_EQ(chunked.numStages, 8);
}

ScheduleParameter rejected(const ScheduleRequest &request) {
  llvm::Expected<ScheduledPipeline> schedule = buildSchedule(request);
  EXPECT_FALSE(static_cast<bool>(schedule));
  std::optional<ScheduleParameter> parameter;
  llvm::handleAllErrors(
      schedule.takeError(),
      [&](const ScheduleRequestError &error) { parameter = error.parameter; });
  EXPECT_TRUE(parameter.has_value());
  return parameter.value_or(ScheduleParameter::PP);
}

TEST(ScheduleRequest, ErrorsNameTheParameterToChange) {
  using K = ScheduleKind;
  using P = ScheduleParameter;
  EXPECT_EQ(rejected({K::one_f_one_b, 0, 4}), P::PP);
  EXPECT_EQ(rejected({K::zb_h1, 4, 0}), P::MicroBatches);
  EXPECT_EQ(rejected({K::dualpipe, 3, 12}), P::PP);
  EXPECT_EQ(rejected({K::dualpipe, 4, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::dualpipev, 4, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::zb_v, 4096, 8}), P::PP);
  EXPECT_EQ(rejected({K::interleaved_1f1b, 4, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::interleaved_1f1b, 4, 8, 1}), P::VirtualStages);
  EXPECT_EQ(rejected({K::dualpipe, 4, 8, 2}), P::VirtualStages);
}

} // namespace
