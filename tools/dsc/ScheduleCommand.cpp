//===- ScheduleCommand.cpp - dsc schedule ---------------------------------===//

#include "Driver.h"
#include "dsc/Schedule/ScheduleReport.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace dsc::driver {
cl::SubCommand
    scheduleCommand("schedule",
                    "Build a pipeline schedule and simulate it under costs");
static cl::opt<dsc::ScheduleKind> scheduleKind(
    "kind", cl::Required, cl::desc("Schedule"),
    cl::values(clEnumValN(dsc::ScheduleKind::OneFOneB, "1f1b", "1F1B"),
               clEnumValN(dsc::ScheduleKind::DualPipe, "dualpipe",
                          "DualPipe (DeepSeek-V3)"),
               clEnumValN(dsc::ScheduleKind::DualPipeV, "dualpipev",
                          "DualPipeV: DualPipe cut in half, pp / 2 ranks")),
    cl::sub(scheduleCommand));
static cl::opt<int64_t> stages("pp", cl::Required, cl::desc("Pipeline stages"),
                               cl::sub(scheduleCommand));
static cl::opt<int64_t> scheduleMicroBatches("microbatches", cl::Required,
                                             cl::desc("Micro-batches"),
                                             cl::sub(scheduleCommand));
static cl::opt<std::string> costText(
    "costs", cl::init(""),
    cl::desc("Costs, e.g. F=1,B=2,W=1,FB=2.5,comm=0.1 (B: full backward, "
             "W: its weight part, FB: an overlapped F&B pair)"),
    cl::sub(scheduleCommand));
enum class ScheduleFormat { text, json, trace };
static cl::opt<ScheduleFormat> scheduleFormat(
    "format", cl::init(ScheduleFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(ScheduleFormat::text, "text", "per-rank timeline"),
               clEnumValN(ScheduleFormat::json, "json", "programs and figures"),
               clEnumValN(ScheduleFormat::trace, "trace",
                          "Chrome/Perfetto trace")),
    cl::sub(scheduleCommand));
static cl::opt<std::string> scheduleOutput("o", cl::init("-"),
                                           cl::desc("Output file"),
                                           cl::value_desc("file"),
                                           cl::sub(scheduleCommand));

int runSchedule() {
  Expected<dsc::ActionCosts> costs = dsc::parseActionCosts(costText);
  if (!costs) {
    WithColor::error() << toString(costs.takeError()) << "\n";
    return 1;
  }
  if (stages > 4096 || scheduleMicroBatches > 1 << 16) {
    WithColor::error() << "--pp must be at most 4096 and --microbatches at "
                          "most 65536\n";
    return 1;
  }
  Expected<dsc::ScheduledPipeline> schedule =
      scheduleKind == dsc::ScheduleKind::DualPipe
          ? dsc::buildDualPipe(stages, scheduleMicroBatches)
      : scheduleKind == dsc::ScheduleKind::DualPipeV
          ? dsc::buildDualPipeV(stages, scheduleMicroBatches)
          : dsc::buildOneFOneB(stages, scheduleMicroBatches);
  if (!schedule) {
    WithColor::error() << toString(schedule.takeError()) << "\n";
    return 1;
  }
  Expected<dsc::SimulationResult> result = dsc::simulate(*schedule, *costs);
  if (!result) {
    WithColor::error() << toString(result.takeError()) << "\n";
    return 1;
  }
  return writeOutput(scheduleOutput, [&](raw_ostream &os) {
    if (scheduleFormat == ScheduleFormat::json)
      os << formatv("{0:2}", dsc::scheduleToJSON(*schedule, *result)) << "\n";
    else if (scheduleFormat == ScheduleFormat::trace)
      os << formatv("{0}", dsc::scheduleToTrace(*schedule, *result)) << "\n";
    else
      dsc::printScheduleText(*schedule, *result, os);
  });
}
} // namespace dsc::driver
