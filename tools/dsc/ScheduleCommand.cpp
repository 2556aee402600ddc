//===- ScheduleCommand.cpp - dsc schedule ---------------------------------===//

#include "Driver.h"
#include "RunFlags.h"
#include "dsc/CostModel/CostModel.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Report/ScheduleReport.h"
#include "dsc/Run/ResolvedRun.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
cl::SubCommand
    scheduleCommand("schedule",
                    "Build a pipeline schedule and simulate it under costs");
static cl::opt<std::string> costText(
    "costs", cl::init(""),
    cl::desc("Costs, e.g. F=1,B=2,W=1,FB=2.5,comm=0.1, or one per stage "
             "as F=1/1.2 (B: full backward, "
             "W: its weight part, FB: an overlapped F&B pair)"),
    cl::sub(scheduleCommand));
static cl::OptionCategory
    costModel("Costs from the cost model (instead of --costs)",
              "The model's stages priced on a cluster, in milliseconds");
static cl::opt<std::string>
    modelFile("model", cl::desc("Model: dsc IR or a HuggingFace config.json"),
              cl::value_desc("file"), cl::sub(scheduleCommand),
              cl::cat(costModel));
static cl::opt<std::string> scheduleCluster(
    "cluster", cl::init("h800x2048"),
    cl::desc("Built-in cluster or cluster JSON (default h800x2048)"),
    cl::sub(scheduleCommand), cl::cat(costModel));
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
    return "--micro-batches";
  case dsc::ScheduleParameter::VirtualStages:
    return "--virtual-stages";
  case dsc::ScheduleParameter::Combined:
    return "--combined-1f1b";
  }
  return "";
}

static int fail(const Twine &message) {
  WithColor::error() << message << "\n";
  return 1;
}

namespace {
/// A schedule priced by the cost model: the run it was built for.
struct PricedSchedule {
  dsc::ScheduledPipeline pipeline;
  dsc::ActionCosts costs;
  std::string layout;
  /// The cost model's step: the pipeline, the DP exchange, the optimizer.
  double stepMs = 0;
};
} // namespace

/// Builds the run the options describe, partitions it with
/// dsc-pipeline-partition and prices its stages in milliseconds.
static FailureOr<PricedSchedule> priceSchedule(MLIRContext &context) {
  ModelOnCluster loaded =
      loadModelOnCluster(context, modelFile, scheduleCluster);
  if (!loaded.module)
    return failure();
  FailureOr<dsc::ResolvedRun> setup =
      addRunFromFlags(loaded, dsc::RunOptions(), "schedule");
  if (failed(setup))
    return failure();
  dsc::CostModel costs(*setup);
  // Milliseconds read better than seconds in every format.
  return PricedSchedule{
      setup->pipeline, costs.actionCosts(/*overlap=*/true, /*scale=*/1e3),
      setup->layout.toAttr(&context).toMegatron(), costs.stepSeconds() * 1e3};
}

int runSchedule(MLIRContext &context) {
  if (!modelFile.empty() && costText.getNumOccurrences())
    return fail("--costs and --model both give costs; use one");
  Expected<dsc::ActionCosts> costs = dsc::parseActionCosts(costText);
  if (!costs)
    return fail(toString(costs.takeError()));
  dsc::ScheduledPipeline pipeline;
  std::string layout;
  std::optional<double> stepMs;
  if (!modelFile.empty()) {
    FailureOr<PricedSchedule> priced = priceSchedule(context);
    if (failed(priced))
      return 1;
    pipeline = std::move(priced->pipeline);
    *costs = std::move(priced->costs);
    layout = std::move(priced->layout);
    stepMs = priced->stepMs;
  } else {
    dsc::RunOptions options = runOptionsFromFlags(dsc::RunOptions());
    int64_t pp = options.pp.value_or(1);
    dsc::ScheduleRequest request{options.schedule, pp,
                                 options.microBatches.value_or(2 * pp),
                                 options.virtualStages, options.combined};
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
    pipeline = std::move(*schedule);
  }
  dsc::ScheduledPipeline *schedule = &pipeline;
  Expected<dsc::SimulationResult> result = dsc::simulate(*schedule, *costs);
  if (!result)
    return fail(toString(result.takeError()));
  return writeOutput(scheduleOutput, [&](raw_ostream &os) {
    switch (scheduleFormat) {
    case ScheduleFormat::json: {
      json::Value value = dsc::scheduleToJSON(*schedule, *result);
      if (!layout.empty()) {
        value.getAsObject()->try_emplace("layout", layout);
        value.getAsObject()->try_emplace("time_unit", "ms");
        value.getAsObject()->try_emplace("step_time_ms", *stepMs);
      }
      os << formatv("{0:2}", value) << "\n";
      break;
    }
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
