//===- ScheduleRequestTest.cpp - the dispatcher over schedule kinds -------===//

#include "Schedule/ScheduleTestUtils.h"

using namespace dsc;
using namespace dsc::test;

namespace {

constexpr ScheduleKind allKinds[] = {
    ScheduleKind::OneFOneB,     ScheduleKind::InterleavedOneFOneB,
    ScheduleKind::ZeroBubbleH1, ScheduleKind::ZeroBubbleV,
    ScheduleKind::DualPipe,     ScheduleKind::DualPipeV};

TEST(ScheduleRequest, NamesRoundTrip) {
  std::vector<std::string> names;
  for (ScheduleKind kind : allKinds) {
    names.push_back(scheduleKindName(kind).str());
    EXPECT_EQ(parseScheduleKind(scheduleKindName(kind)), kind);
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"1f1b", "interleaved-1f1b", "zb-h1",
                                      "zb-v", "dualpipe", "dualpipev"}));
  EXPECT_EQ(parseScheduleKind("zb-h2"), std::nullopt);
  EXPECT_EQ(parseScheduleKind("1F1B"), std::nullopt);
}

// Every kind through the one entry point: the kind asked for, its ranks,
// all passes present, and a simulation that finishes.
TEST(ScheduleRequest, BuildsEveryKind) {
  const std::map<ScheduleKind, int64_t> ranksFor8 = {
      {ScheduleKind::OneFOneB, 8},     {ScheduleKind::InterleavedOneFOneB, 4},
      {ScheduleKind::ZeroBubbleH1, 8}, {ScheduleKind::ZeroBubbleV, 4},
      {ScheduleKind::DualPipe, 8},     {ScheduleKind::DualPipeV, 4}};
  for (ScheduleKind kind : allKinds) {
    ScheduleRequest request{kind, 8, 16};
    ScheduledPipeline schedule = llvm::cantFail(buildSchedule(request));
    EXPECT_EQ(schedule.kind, kind);
    EXPECT_EQ(schedule.numRanks(), ranksFor8.at(kind))
        << scheduleKindName(kind).str();
    expectComplete(schedule);
    EXPECT_GT(run(schedule, unitCosts()).stepTime, 0);
  }
  ScheduleRequest fourChunks{ScheduleKind::InterleavedOneFOneB, 8, 16, 4};
  EXPECT_EQ(llvm::cantFail(buildSchedule(fourChunks)).numRanks(), 2);
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
  EXPECT_EQ(rejected({K::OneFOneB, 0, 4}), P::PP);
  EXPECT_EQ(rejected({K::ZeroBubbleH1, 4, 0}), P::MicroBatches);
  EXPECT_EQ(rejected({K::DualPipe, 3, 12}), P::PP);
  EXPECT_EQ(rejected({K::DualPipe, 4, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::DualPipeV, 8, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::ZeroBubbleV, 7, 8}), P::PP);
  EXPECT_EQ(rejected({K::InterleavedOneFOneB, 8, 6}), P::MicroBatches);
  EXPECT_EQ(rejected({K::InterleavedOneFOneB, 8, 8, 3}), P::VirtualStages);
}

} // namespace
