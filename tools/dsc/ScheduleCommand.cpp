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
    cl::values(
        clEnumValN(dsc::ScheduleKind::OneFOneB, "1f1b", "1F1B"),
        clEnumValN(dsc::ScheduleKind::InterleavedOneFOneB, "interleaved-1f1b",
                   "Megatron's interleaved 1F1B: pp / --virtual-stages ranks"),
        clEnumValN(dsc::ScheduleKind::ZeroBubbleH1, "zb-h1",
                   "Zero Bubble H1: 1F1B memory, W passes deferred"),
        clEnumValN(dsc::ScheduleKind::ZeroBubbleV, "zb-v",
                   "Zero Bubble V: two chunks per rank in a V, pp / 2 ranks"),
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
static cl::opt<int64_t> virtualStages(
    "virtual-stages", cl::init(2),
    cl::desc("Model chunks per rank for interleaved-1f1b (default 2)"),
    cl::sub(scheduleCommand));
static cl::opt<std::string> costText(
    "costs", cl::init(""),
    cl::desc("Costs, e.g. F=1,B=2,W=1,FB=2.5,comm=0.1 (B: full backward, "
             "W: its weight part, FB: an overlapped F&B pair)"),
    cl::sub(scheduleCommand));
enum class ScheduleFormat { text, json, trace, svg };
static cl::opt<ScheduleFormat> scheduleFormat(
    "format", cl::init(ScheduleFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(ScheduleFormat::text, "text", "per-rank timeline"),
               clEnumValN(ScheduleFormat::json, "json", "programs and figures"),
               clEnumValN(ScheduleFormat::trace, "trace",
                          "Chrome/Perfetto trace (compute and send tracks)"),
               clEnumValN(ScheduleFormat::svg, "svg",
                          "picture of the timeline")),
    cl::sub(scheduleCommand));
static cl::opt<std::string> scheduleOutput("o", cl::init("-"),
                                           cl::desc("Output file"),
                                           cl::value_desc("file"),
                                           cl::sub(scheduleCommand));

/// The option a rejected schedule request should change.
static StringRef optionFor(dsc::ScheduleParameter parameter) {
  switch (parameter) {
  case dsc::ScheduleParameter::PP:
    return "--pp";
  case dsc::ScheduleParameter::MicroBatches:
    return "--microbatches";
  case dsc::ScheduleParameter::VirtualStages:
    return "--virtual-stages";
  }
  return "";
}

static int fail(const Twine &message) {
  WithColor::error() << message << "\n";
  return 1;
}

int runSchedule() {
  Expected<dsc::ActionCosts> costs = dsc::parseActionCosts(costText);
  if (!costs)
    return fail(toString(costs.takeError()));
  if (stages > 4096 || scheduleMicroBatches > 1 << 16)
    return fail("--pp must be at most 4096 and --microbatches at most 65536");
  if (virtualStages.getNumOccurrences() &&
      scheduleKind != dsc::ScheduleKind::InterleavedOneFOneB)
    return fail("--virtual-stages applies only to --kind interleaved-1f1b; "
                "drop it for --kind " +
                dsc::scheduleKindName(scheduleKind));
  dsc::ScheduleRequest request{scheduleKind, stages, scheduleMicroBatches,
                               virtualStages};
  Expected<dsc::ScheduledPipeline> schedule = dsc::buildSchedule(request);
  if (!schedule) {
    std::string message;
    handleAllErrors(
        schedule.takeError(),
        [&](const dsc::ScheduleRequestError &error) {
          message = (optionFor(error.parameter) + ": " + error.message).str();
        },
        [&](const ErrorInfoBase &error) { message = error.message(); });
    return fail(message);
  }
  Expected<dsc::SimulationResult> result = dsc::simulate(*schedule, *costs);
  if (!result)
    return fail(toString(result.takeError()));
  return writeOutput(scheduleOutput, [&](raw_ostream &os) {
    switch (scheduleFormat) {
    case ScheduleFormat::json:
      os << formatv("{0:2}", dsc::scheduleToJSON(*schedule, *result)) << "\n";
      break;
    case ScheduleFormat::trace:
      os << formatv("{0}",
                    dsc::scheduleToTrace(*schedule, *result, costs->comm))
         << "\n";
      break;
    case ScheduleFormat::svg:
      dsc::writeScheduleSvg(*schedule, *result, os);
      break;
    case ScheduleFormat::text:
      dsc::printScheduleText(*schedule, *result, os);
      break;
    }
  });
}
} // namespace dsc::driver
