//===- dsc.cpp - the dsc driver -------------------------------------------===//
//
// dsc import CONFIG.json [-o model.mlir]   HuggingFace config -> dsc IR
// dsc describe MODEL [--weights]          what a model is
// dsc report MODEL [--cluster C] [...]    parameters, FLOPs, memory, comm,
//                                         step time on a cluster
// dsc place --loads F --replicas R ...    expert placement from loads
// dsc loads --layers L --experts E ...    synthetic expert loads
// dsc schedule --kind K --pp P ...        pipeline schedule and simulation
//
//===----------------------------------------------------------------------===//

#include "dsc/Analysis/ModelSummary.h"
#include "dsc/Analysis/Report.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Import/RunOptions.h"
#include "dsc/Placement/ExpertLoads.h"
#include "dsc/Placement/PlacementReport.h"
#include "dsc/Schedule/ScheduleReport.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;
using dsc::LoadDistribution;
using dsc::PlacementPolicy;

static cl::SubCommand
    importCommand("import",
                  "Import a HuggingFace config.json of a DeepSeek-V2/V3-family "
                  "model (model_type deepseek_v2 or deepseek_v3) as dsc IR");
static cl::opt<std::string> importInput(cl::Positional, cl::Required,
                                        cl::desc("<config.json>"),
                                        cl::sub(importCommand));
static cl::opt<std::string> importOutput("o", cl::init("-"),
                                         cl::desc("Output file (default: "
                                                  "standard output)"),
                                         cl::value_desc("file"),
                                         cl::sub(importCommand));
static cl::opt<std::string>
    modelName("name", cl::desc("Symbol of the model (default: model_type)"),
              cl::sub(importCommand));
static cl::opt<double> mtpLossWeight(
    "mtp-loss-weight", cl::init(0.3),
    cl::desc("Lambda, the weight of the MTP losses (default 0.3)"),
    cl::sub(importCommand));
static cl::opt<double> biasUpdateRate(
    "bias-update-rate", cl::init(0.001),
    cl::desc("Gamma, the per-step expert bias update of auxiliary-loss-free "
             "balancing (noaux_tc; default 0.001)"),
    cl::sub(importCommand));

static cl::SubCommand describeCommand(
    "describe", "Describe a model: layers, attention, experts, MTP, weights");
static cl::opt<std::string> describeInput(cl::Positional, cl::Required,
                                          cl::desc("<model.mlir|config.json>"),
                                          cl::sub(describeCommand));
static cl::opt<bool> listWeights(
    "weights",
    cl::desc("List every checkpoint tensor with its shape and parameter"),
    cl::sub(describeCommand));

static cl::SubCommand reportCommand(
    "report", "Report parameters, FLOPs, memory, KV cache, communication and "
              "step time of a model on a cluster");
static cl::opt<std::string> reportInput(cl::Positional, cl::Required,
                                        cl::desc("<model.mlir|config.json>"),
                                        cl::sub(reportCommand));
static cl::opt<std::string> clusterName(
    "cluster", cl::init("h800x2048"),
    cl::desc("Built-in cluster (h800x2048, h100x8, h200x8) or a cluster JSON "
             "file (default: h800x2048)"),
    cl::value_desc("name|file"), cl::sub(reportCommand));
static cl::opt<dsc::RunMode> runMode(
    "mode", cl::init(dsc::RunMode::training), cl::desc("What the run does"),
    cl::values(clEnumValN(dsc::RunMode::training, "training", "training"),
               clEnumValN(dsc::RunMode::inference, "inference",
                          "inference (seq-len: context, micro-batch: "
                          "batch)")),
    cl::sub(reportCommand));
static cl::opt<int64_t> seqLen("seq-len", cl::init(4096),
                               cl::desc("Sequence length (default 4096)"),
                               cl::sub(reportCommand));
static cl::opt<int64_t> microBatch("micro-batch", cl::init(1),
                                   cl::desc("Sequences per micro-batch"),
                                   cl::sub(reportCommand));
static cl::opt<int64_t>
    microBatches("micro-batches",
                 cl::desc("Micro-batches per step (default 2 * pp)"),
                 cl::sub(reportCommand));
static cl::opt<int64_t>
    globalBatch("global-batch",
                cl::desc("Sequences per step; sets --micro-batches"),
                cl::sub(reportCommand));
static cl::opt<int64_t>
    pipelineParallel("pp", cl::desc("Pipeline stages (default 1)"),
                     cl::sub(reportCommand));
static cl::opt<int64_t> expertParallel(
    "ep", cl::desc("Expert-parallel degree (default: gcd(dp, experts))"),
    cl::sub(reportCommand));
static cl::opt<int64_t>
    dataParallel("dp", cl::desc("Data-parallel degree (default: GPUs / pp)"),
                 cl::sub(reportCommand));
static cl::opt<int64_t> zeroStage("zero", cl::init(1),
                                  cl::desc("ZeRO stage, 0 or 1 (default 1)"),
                                  cl::sub(reportCommand));
static cl::opt<dsc::Precision>
    recipe("recipe", cl::init(dsc::Precision::bf16),
           cl::desc("Matmul precision recipe"),
           cl::values(clEnumValN(dsc::Precision::bf16, "bf16", "BF16"),
                      clEnumValN(dsc::Precision::fp8, "fp8",
                                 "FP8, the DeepSeek-V3 recipe")),
           cl::sub(reportCommand));
static cl::opt<dsc::MomentType>
    moments("moments", cl::init(dsc::MomentType::bf16),
            cl::desc("AdamW moment storage"),
            cl::values(clEnumValN(dsc::MomentType::fp32, "fp32", "FP32"),
                       clEnumValN(dsc::MomentType::bf16, "bf16", "BF16")),
            cl::sub(reportCommand));
static cl::opt<bool> recompute("recompute",
                               cl::desc("Recompute activations in backward"),
                               cl::sub(reportCommand));
static cl::opt<dsc::PipelineSchedule> schedule(
    "schedule", cl::init(dsc::PipelineSchedule::one_f_one_b),
    cl::desc("Pipeline schedule the estimate assumes"),
    cl::values(clEnumValN(dsc::PipelineSchedule::one_f_one_b, "1f1b", "1F1B"),
               clEnumValN(dsc::PipelineSchedule::dualpipe, "dualpipe",
                          "DualPipe (even pp, micro-batches >= 2 * pp)")),
    cl::sub(reportCommand));
static cl::opt<double>
    tokenBudget("tokens", cl::init(14.8e12),
                cl::desc("Tokens to price in GPU-hours (default 14.8e12)"),
                cl::sub(reportCommand));
enum class ReportFormat { text, json };
static cl::opt<ReportFormat> reportFormat(
    "format", cl::init(ReportFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(ReportFormat::text, "text", "a readable table"),
               clEnumValN(ReportFormat::json, "json", "JSON for tools")),
    cl::sub(reportCommand));

static cl::SubCommand
    placeCommand("place",
                 "Place logical experts (with redundant replicas) on GPUs from "
                 "expert-load statistics");
static cl::opt<std::string> loadsFile(
    "loads", cl::Required,
    cl::desc("Expert loads: JSON {\"loads\": [[...], ...]} or CSV, one line "
             "per layer"),
    cl::value_desc("file"), cl::sub(placeCommand));
static cl::opt<int64_t>
    replicas("replicas", cl::Required,
             cl::desc("Physical expert slots per layer (experts + redundant)"),
             cl::sub(placeCommand));
static cl::opt<int64_t> groups("groups", cl::init(1),
                               cl::desc("Expert groups (default 1)"),
                               cl::sub(placeCommand));
static cl::opt<int64_t> nodes("nodes", cl::init(1),
                              cl::desc("Nodes (default 1)"),
                              cl::sub(placeCommand));
static cl::opt<int64_t> gpus("gpus", cl::Required,
                             cl::desc("GPUs of the expert-parallel group"),
                             cl::sub(placeCommand));
static cl::opt<PlacementPolicy> policy(
    "policy", cl::init(PlacementPolicy::Auto), cl::desc("Placement policy"),
    cl::values(clEnumValN(PlacementPolicy::Hierarchical, "hierarchical",
                          "groups onto nodes, then GPUs"),
               clEnumValN(PlacementPolicy::Global, "global", "ignore groups"),
               clEnumValN(PlacementPolicy::Auto, "auto",
                          "hierarchical when groups divide over nodes")),
    cl::sub(placeCommand));
static cl::opt<std::string> previousFile(
    "previous", cl::desc("Placement in use (dsc place JSON): move few experts"),
    cl::value_desc("file"), cl::sub(placeCommand));
static cl::opt<double> tolerance(
    "tolerance", cl::init(0.05),
    cl::desc("With --previous: accept this much worse balance to move fewer "
             "experts (default 0.05)"),
    cl::sub(placeCommand));
static cl::opt<double> expertBytes(
    "expert-bytes", cl::init(0),
    cl::desc("Bytes of one expert's weights, to price the experts moved "
             "(DeepSeek-V3 in FP8: 3 x 2048 x 7168)"),
    cl::sub(placeCommand));
enum class PlaceFormat { text, json, svg };
static cl::opt<PlaceFormat> placeFormat(
    "format", cl::init(PlaceFormat::text), cl::desc("Output format"),
    cl::values(clEnumValN(PlaceFormat::text, "text", "summary and heat map"),
               clEnumValN(PlaceFormat::json, "json", "placement for tools"),
               clEnumValN(PlaceFormat::svg, "svg", "heat map picture")),
    cl::sub(placeCommand));
static cl::opt<std::string> placeOutput("o", cl::init("-"),
                                        cl::desc("Output file"),
                                        cl::value_desc("file"),
                                        cl::sub(placeCommand));

static cl::SubCommand
    loadsCommand("loads",
                 "Generate synthetic expert loads (JSON) for tests and "
                 "benchmarks");
static cl::opt<int64_t> loadLayers("layers", cl::Required,
                                   cl::desc("MoE layers"),
                                   cl::sub(loadsCommand));
static cl::opt<int64_t> loadExperts("experts", cl::Required,
                                    cl::desc("Logical experts per layer"),
                                    cl::sub(loadsCommand));
static cl::opt<LoadDistribution> distribution(
    "distribution", cl::init(LoadDistribution::Zipf),
    cl::desc("Load distribution"),
    cl::values(clEnumValN(LoadDistribution::Uniform, "uniform", "uniform"),
               clEnumValN(LoadDistribution::Zipf, "zipf", "Zipf with --s")),
    cl::sub(loadsCommand));
static cl::opt<double> zipfExponent("s", cl::init(1.0),
                                    cl::desc("Zipf exponent (default 1.0)"),
                                    cl::sub(loadsCommand));
static cl::opt<unsigned> seed("seed", cl::init(1),
                              cl::desc("Seed of layer 0 (layer l: seed + l)"),
                              cl::sub(loadsCommand));
static cl::opt<double> tokens("tokens", cl::init(1e6),
                              cl::desc("Tokens per layer (default 1e6)"),
                              cl::sub(loadsCommand));
static cl::opt<std::string> loadsOutput("o", cl::init("-"),
                                        cl::desc("Output file"),
                                        cl::value_desc("file"),
                                        cl::sub(loadsCommand));

static cl::SubCommand
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

/// Prints diagnostics as `file:line:col: error: message`, and notes.
static void printDiagnostic(Diagnostic &diag) {
  Location loc = diag.getLocation();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    errs() << file.getFilename().getValue() << ":" << file.getLine() << ":"
           << file.getColumn() << ": ";
  else if (auto name = dyn_cast<NameLoc>(loc))
    errs() << name.getName().getValue() << ": ";
  else if (!isa<UnknownLoc>(loc))
    errs() << loc << ": ";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    WithColor(errs(), raw_ostream::RED, true) << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    WithColor(errs(), raw_ostream::MAGENTA, true) << "warning: ";
    break;
  default:
    errs() << "note: ";
  }
  errs() << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

/// The single `dsc.model` of a loaded module.
static dsc::ModelOp findModel(ModuleOp module, StringRef path) {
  auto models = module.getOps<dsc::ModelOp>();
  if (std::distance(models.begin(), models.end()) == 1)
    return *models.begin();
  WithColor::error() << path << ": expected exactly one 'dsc.model'\n";
  return nullptr;
}

static int runImport(MLIRContext &context) {
  dsc::ImportOptions options;
  options.modelName = modelName;
  options.mtpLossWeight = mtpLossWeight;
  options.biasUpdateRate = biasUpdateRate;
  Expected<dsc::ModelConfig> config = dsc::readModelConfig(importInput);
  if (!config) {
    WithColor::error() << toString(config.takeError()) << "\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = dsc::importModel(*config, &context, options);
  if (!module) {
    WithColor::error() << importInput
                       << ": the configuration is inconsistent (see above); "
                          "nothing written\n";
    return 1;
  }
  // Opened only now, so a failed import leaves no output file behind.
  std::string error;
  std::unique_ptr<ToolOutputFile> output = openOutputFile(importOutput, &error);
  if (!output) {
    WithColor::error() << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->os() << "\n";
  output->os().flush();
  if (output->os().has_error()) {
    WithColor::error() << importOutput << ": write failed\n";
    output->os().clear_error();
    return 1;
  }
  output->keep();
  return 0;
}

static int runDescribe(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = dsc::loadModel(describeInput, &context);
  if (!module)
    return 1;
  dsc::ModelOp model = findModel(*module, describeInput);
  if (!model)
    return 1;
  if (listWeights)
    dsc::printCheckpointTensors(model, outs());
  else
    dsc::printModelSummary(model, outs());
  return 0;
}

/// Writes through `write` to `path`, leaving no file behind on failure.
static int writeOutput(StringRef path,
                       llvm::function_ref<void(raw_ostream &)> write) {
  std::string error;
  std::unique_ptr<ToolOutputFile> output = openOutputFile(path, &error);
  if (!output) {
    WithColor::error() << error << "\n";
    return 1;
  }
  write(output->os());
  output->keep();
  return 0;
}

static int runPlace() {
  Expected<dsc::ExpertLoads> loads = dsc::readExpertLoads(loadsFile);
  if (!loads) {
    WithColor::error() << toString(loads.takeError()) << "\n";
    return 1;
  }
  std::optional<std::vector<std::vector<int64_t>>> previous;
  if (!previousFile.empty()) {
    auto read = dsc::readPhysicalToLogical(previousFile);
    if (!read) {
      WithColor::error() << toString(read.takeError()) << "\n";
      return 1;
    }
    previous = std::move(*read);
  }
  dsc::PlacementProblem shape;
  shape.numSlots = replicas;
  shape.numGroups = groups;
  shape.numNodes = nodes;
  shape.numGPUs = gpus;
  shape.policy = policy;
  shape.migrationTolerance = tolerance;
  Expected<dsc::LayeredPlacement> placement =
      dsc::placeLayers(loads->layers, shape, previous ? &*previous : nullptr);
  if (!placement) {
    WithColor::error() << loadsFile << ": " << toString(placement.takeError())
                       << "\n";
    return 1;
  }
  placement->expertBytes = expertBytes;
  return writeOutput(placeOutput, [&](raw_ostream &os) {
    if (placeFormat == PlaceFormat::json)
      os << formatv("{0:2}", dsc::placementToJSON(*placement)) << "\n";
    else if (placeFormat == PlaceFormat::svg)
      dsc::printPlacementSVG(*placement, os);
    else
      dsc::printPlacementText(*placement, os);
  });
}

static int runLoads() {
  if (loadLayers <= 0 || loadLayers > 4096 || loadExperts <= 0 ||
      loadExperts > 65536 || !(tokens >= 0)) {
    WithColor::error() << "--layers must be from 1 to 4096, --experts from 1 "
                          "to 65536 and --tokens not negative\n";
    return 1;
  }
  dsc::ExpertLoads loads = dsc::generateExpertLoads(
      loadLayers, loadExperts, distribution, zipfExponent, seed, tokens);
  return writeOutput(loadsOutput, [&](raw_ostream &os) {
    dsc::writeExpertLoadsJSON(loads, os);
  });
}

static int runSchedule() {
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

static int runReport(MLIRContext &context) {
  if (!(tokenBudget >= 0)) {
    WithColor::error() << "--tokens must not be negative, got " << tokenBudget
                       << "\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = dsc::loadModel(reportInput, &context);
  if (!module)
    return 1;
  dsc::ModelOp model = findModel(*module, reportInput);
  if (!model)
    return 1;
  OpBuilder builder(module->getBody(), module->getBody()->end());
  FailureOr<dsc::ClusterOp> cluster = dsc::importCluster(clusterName, builder);
  if (failed(cluster))
    return 1;

  dsc::RunOptions options;
  options.mode = runMode;
  options.seqLen = seqLen;
  options.microBatch = microBatch;
  auto set = [](std::optional<int64_t> &field, cl::opt<int64_t> &option) {
    if (option.getNumOccurrences())
      field = option;
  };
  set(options.microBatches, microBatches);
  set(options.globalBatch, globalBatch);
  set(options.pp, pipelineParallel);
  set(options.ep, expertParallel);
  set(options.dp, dataParallel);
  options.zero = zeroStage;
  options.recipe = recipe;
  options.moments = moments;
  options.recompute = recompute;
  options.schedule = schedule;
  Location loc = NameLoc::get(builder.getStringAttr("dsc report options"));
  FailureOr<dsc::RunOp> run =
      dsc::createRun(builder, loc, model, *cluster, options);
  if (failed(run))
    return 1;

  dsc::RunReport report(*run, tokenBudget);
  if (reportFormat == ReportFormat::json)
    outs() << formatv("{0:2}", report.toJSON()) << "\n";
  else
    report.printText(outs());
  return 0;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "dsc: a compiler toolchain for DeepSeek-style models\n\n"
      "  dsc import CONFIG.json [-o model.mlir]\n"
      "  dsc describe MODEL [--weights]\n"
      "  dsc report MODEL [--cluster NAME|FILE] [run options] "
      "[--format text|json]\n"
      "  dsc place --loads FILE --replicas R --groups G --nodes N --gpus P "
      "[--policy ...] [--format text|json|svg]\n"
      "  dsc loads --layers L --experts E [--distribution zipf --s S]\n"
      "  dsc schedule --kind 1f1b|dualpipe|dualpipev --pp P --microbatches N "
      "[--costs F=1,B=2,W=1,FB=2.5,comm=0] [--format text|json|trace]\n");

  MLIRContext context;
  context.getOrLoadDialect<dsc::DscDialect>();
  // Diagnostics name the op and the key; a dump of the whole model is noise.
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });

  if (importCommand)
    return runImport(context);
  if (describeCommand)
    return runDescribe(context);
  if (reportCommand)
    return runReport(context);
  if (placeCommand)
    return runPlace();
  if (loadsCommand)
    return runLoads();
  if (scheduleCommand)
    return runSchedule();
  WithColor::error() << "no command given; see 'dsc --help'\n";
  return 1;
}
