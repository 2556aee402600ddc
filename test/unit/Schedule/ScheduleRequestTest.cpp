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

namespace {

/// "B0@0+F0@1"-style text of one rank's steps.
std::string stepsText(const std::vector<Step> &steps) {
  std::string out;
  auto action = [](const Action &a) {
    const char *kinds = "FBIW";
    return std::string(1, kinds[int(a.kind)]) + std::to_string(a.stage) + "@" +
           std::to_string(a.microBatch);
  };
  for (const Step &step : steps) {
    out += (out.empty() ? "" : " ") + action(step.first);
    if (step.overlapped)
      out += "+" + action(*step.overlapped);
  }
  return out;
}

TEST(CombinedOneFOneB, PairsEachBackwardWithTheNextForward) {
  ScheduleRequest request{ScheduleKind::one_f_one_b, 1, 4};
  request.combined = true;
  llvm::Expected<ScheduledPipeline> one = buildSchedule(request);
  ASSERT_TRUE(bool(one)) << llvm::toString(one.takeError());
  EXPECT_EQ(stepsText(one->ranks[0]),
            "F0@0 B0@0+F0@1 B0@1+F0@2 B0@2+F0@3 B0@3");
  // Two ranks: the warm-up forward stays alone; every pass still runs once.
  request.pp = 2;
  llvm::Expected<ScheduledPipeline> two = buildSchedule(request);
  ASSERT_TRUE(bool(two)) << llvm::toString(two.takeError());
  EXPECT_EQ(stepsText(two->ranks[0]),
            "F0@0 F0@1 B0@0+F0@2 B0@1+F0@3 B0@2 B0@3");
  EXPECT_EQ(stepsText(two->ranks[1]),
            "F1@0 B1@0+F1@1 B1@1+F1@2 B1@2+F1@3 B1@3");
  // The pairs' dependencies cannot deadlock: the simulator finishes both.
  // On one stage a pair cheaper than its passes shortens the step; across
  // stages a pair holds back the forward's output until its backward is
  // done too, which costs more than it saves here (why Megatron combines
  // passes under interleaved 1F1B).
  ActionCosts costs;
  costs.forwardBackward = 2.5; // F 1 + B 2
  for (int64_t pp : {1, 2}) {
    ScheduleRequest paired{ScheduleKind::one_f_one_b, pp, 4};
    paired.combined = true;
    ScheduleRequest plain{ScheduleKind::one_f_one_b, pp, 4};
    llvm::Expected<ScheduledPipeline> pairedSchedule = buildSchedule(paired);
    llvm::Expected<ScheduledPipeline> plainSchedule = buildSchedule(plain);
    ASSERT_TRUE(pairedSchedule && plainSchedule);
    llvm::Expected<SimulationResult> a = simulate(*pairedSchedule, costs);
    llvm::Expected<SimulationResult> b = simulate(*plainSchedule, costs);
    ASSERT_TRUE(a && b);
    if (pp == 1)
      EXPECT_EQ(a->stepTime, 1 + 3 * 2.5 + 2); // F, three pairs, B
    EXPECT_EQ(b->stepTime, pp == 1 ? 12 : 15);
  }
}

TEST(CombinedOneFOneB, OnlyForOneFOneBSchedules) {
  for (ScheduleKind kind : {ScheduleKind::zb_h1, ScheduleKind::zb_v,
                            ScheduleKind::dualpipe, ScheduleKind::dualpipev}) {
    ScheduleRequest request{kind, 2, 8};
    request.combined = true;
    llvm::Expected<ScheduledPipeline> schedule = buildSchedule(request);
    ASSERT_FALSE(bool(schedule));
    ScheduleParameter parameter = ScheduleParameter::PP;
    llvm::handleAllErrors(schedule.takeError(),
                          [&](const ScheduleRequestError &error) {
                            parameter = error.parameter;
                          });
    EXPECT_EQ(parameter, ScheduleParameter::Combined);
  }
  ScheduleRequest interleaved{ScheduleKind::interleaved_1f1b, 2, 8, 2};
  interleaved.combined = true;
  llvm::Expected<ScheduledPipeline> schedule = buildSchedule(interleaved);
  ASSERT_TRUE(bool(schedule)) << llvm::toString(schedule.takeError());
}

} // namespace
