//===- ReportCommand.cpp - dsc report -------------------------------------===//

#include "Driver.h"
#include "dsc/Analysis/Report.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Import/RunOptions.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
cl::SubCommand reportCommand(
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
           cl::desc("Matmul precision recipe (default: fp8 for a model with "
                    "FP8 weights, else bf16)"),
           cl::values(clEnumValN(dsc::Precision::bf16, "bf16", "BF16"),
                      clEnumValN(dsc::Precision::fp8, "fp8",
                                 "FP8, the DeepSeek-V3 recipe")),
           cl::sub(reportCommand));
static cl::opt<dsc::MomentType>
    moments("moments", cl::init(dsc::MomentType::bf16),
            cl::desc("AdamW moment storage (default: the model's FP8 "
                     "recipe's, else bf16)"),
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
                          "DualPipe (even pp, micro-batches >= 2 * pp)"),
               clEnumValN(dsc::PipelineSchedule::dualpipev, "dualpipev",
                          "DualPipeV: 2 stages per rank in a V"),
               clEnumValN(dsc::PipelineSchedule::interleaved_1f1b,
                          "interleaved-1f1b",
                          "interleaved 1F1B, 2 stages per rank"),
               clEnumValN(dsc::PipelineSchedule::zb_h1, "zb-h1", "ZB-H1"),
               clEnumValN(dsc::PipelineSchedule::zb_v, "zb-v",
                          "ZB-V: 2 stages per rank in a V")),
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

int runReport(MLIRContext &context) {
  if (!(tokenBudget >= 0)) {
    WithColor::error() << "--tokens must not be negative, got " << tokenBudget
                       << "\n";
    return 1;
  }
  ModelOnCluster loaded = loadModelOnCluster(context, reportInput, clusterName);
  if (!loaded.module)
    return 1;
  dsc::ModelOp model = loaded.model;

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
  // A model that went through dsc-fp8-quantize runs as its weights and
  // recipe say unless the options say otherwise (the run then rejects it).
  options.recipe = recipe;
  if (!recipe.getNumOccurrences() && model.hasFP8Weights())
    options.recipe = dsc::Precision::fp8;
  options.moments = moments;
  std::optional<dsc::FP8RecipeAttr> fp8 = model.getFp8();
  if (!moments.getNumOccurrences() && fp8)
    options.moments = fp8->getMoments().isF32() ? dsc::MomentType::fp32
                                                : dsc::MomentType::bf16;
  options.recompute = recompute;
  options.schedule = schedule;
  FailureOr<dsc::RunOp> run = loaded.addRun(options, "report");
  if (failed(run))
    return 1;

  dsc::RunReport report(*run, tokenBudget);
  if (reportFormat == ReportFormat::json)
    outs() << formatv("{0:2}", report.toJSON()) << "\n";
  else
    report.printText(outs());
  return 0;
}
} // namespace dsc::driver
