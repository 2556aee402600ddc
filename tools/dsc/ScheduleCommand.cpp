//===- ScheduleCommand.cpp - dsc schedule ---------------------------------===//

#include "Driver.h"
#include "dsc/Analysis/Memory.h"
#include "dsc/Analysis/StepTime.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Import/RunOptions.h"
#include "dsc/Schedule/ScheduleReport.h"
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
static cl::opt<int64_t> scheduleEP("ep",
                                   cl::desc("Expert-parallel degree (default: "
                                            "gcd(dp, experts))"),
                                   cl::sub(scheduleCommand),
                                   cl::cat(costModel));
static cl::opt<int64_t>
    scheduleSeqLen("seq-len", cl::init(4096),
                   cl::desc("Sequence length (default 4096)"),
                   cl::sub(scheduleCommand), cl::cat(costModel));
static cl::opt<int64_t>
    scheduleMicroBatch("micro-batch", cl::init(1),
                       cl::desc("Sequences per micro-batch"),
                       cl::sub(scheduleCommand), cl::cat(costModel));
static cl::opt<dsc::Precision> scheduleRecipe(
    "recipe", cl::init(dsc::Precision::bf16), cl::desc("Matmul precision"),
    cl::values(clEnumValN(dsc::Precision::bf16, "bf16", "BF16"),
               clEnumValN(dsc::Precision::fp8, "fp8", "FP8 (DeepSeek-V3)")),
    cl::sub(scheduleCommand), cl::cat(costModel));
static cl::opt<bool> scheduleRecompute("recompute",
                                       cl::desc("Recompute activations"),
                                       cl::sub(scheduleCommand),
                                       cl::cat(costModel));
static cl::opt<std::string> partitionMode(
    "partition", cl::init("auto"),
    cl::desc("Stage layout: auto, even, or a Megatron layout such as "
             "Et*4|t*4|t*4mL (default auto)"),
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

namespace {
/// A schedule priced by the cost model: the run it was built for.
struct PricedSchedule {
  dsc::ScheduledPipeline pipeline;
  dsc::ActionCosts costs;
  std::string layout;
};
} // namespace

/// Builds the run the options describe, partitions it with
/// dsc-pipeline-partition and prices its stages in milliseconds.
static FailureOr<PricedSchedule> priceSchedule(MLIRContext &context,
                                               int64_t ranks) {
  ModelOnCluster loaded =
      loadModelOnCluster(context, modelFile, scheduleCluster);
  if (!loaded.module)
    return failure();
  dsc::RunOptions options;
  options.seqLen = scheduleSeqLen;
  options.microBatch = scheduleMicroBatch;
  options.microBatches = scheduleMicroBatches;
  options.pp = ranks;
  if (scheduleEP.getNumOccurrences())
    options.ep = scheduleEP;
  options.recipe = scheduleRecipe;
  options.recompute = scheduleRecompute;
  options.schedule = dsc::toPipelineSchedule(scheduleKind);
  FailureOr<dsc::RunOp> run = loaded.addRun(options, "schedule");
  if (failed(run))
    return failure();

  dsc::DscPipelinePartitionOptions partition;
  if (partitionMode == "auto" || partitionMode == "even")
    partition.mode = partitionMode;
  else
    partition.layout = partitionMode;
  partition.virtualStages = stages / ranks;
  PassManager manager(&context);
  manager.addPass(dsc::createDscPipelinePartition(partition));
  if (failed(manager.run(*loaded.module)))
    return failure();

  dsc::RunSetup setup = dsc::resolveRun(*run);
  dsc::ParameterCountAnalysis params(setup.model);
  dsc::CommunicationAnalysis comm(setup, params);
  SmallVector<dsc::StageTimes> stageTimes =
      dsc::estimateLayoutTimes(setup, comm);
  // Milliseconds read better than seconds in every format.
  for (dsc::StageTimes &times : stageTimes)
    for (double *field : {&times.forwardCompute, &times.backwardCompute,
                          &times.forwardComm, &times.backwardComm})
      *field *= 1e3;
  PricedSchedule priced{setup.pipeline,
                        dsc::pipelineCosts(stageTimes, /*overlap=*/true),
                        setup.layout.toAttr(&context).toMegatron()};
  // What a micro-batch keeps on each stage, for the peak in bytes.
  dsc::ParameterCountAnalysis stored(setup.model, &setup.weights);
  for (auto [s, stage] : llvm::enumerate(setup.layout.stages))
    priced.costs.stages[s].activationBytes =
        double(dsc::stageFootprint(setup, stage, params, stored)
                   .activationBytesPerToken) *
        setup.microBatchTokens();
  return priced;
}

int runSchedule(MLIRContext &context) {
  if (!modelFile.empty() && costText.getNumOccurrences())
    return fail("--costs and --model both give costs; use one");
  Expected<dsc::ActionCosts> costs = dsc::parseActionCosts(costText);
  if (!costs)
    return fail(toString(costs.takeError()));
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
  std::string layout;
  if (!modelFile.empty()) {
    FailureOr<PricedSchedule> priced =
        priceSchedule(context, schedule->numRanks());
    if (failed(priced))
      return 1;
    *schedule = std::move(priced->pipeline);
    *costs = std::move(priced->costs);
    layout = std::move(priced->layout);
  }
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
