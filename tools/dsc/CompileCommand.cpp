//===- CompileCommand.cpp - dsc compile -----------------------------------===//
//
// Model + cluster + run options -> the registered training pipeline (tensors
// stored in the model's dtypes, or all FP32) -> a validated plan file.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "RunFlags.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Pipelines/Pipelines.h"
#include "dsc/Transforms/Passes.h"
#include "dsc/Target/PlanEmitter.h"
#include "dsc/plan/PlanFile.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/WithColor.h"

#include <cmath>

using namespace llvm;
using namespace mlir;

namespace dsc::driver {
cl::SubCommand
    compileCommand("compile",
                   "Compile a model's training run into a plan for dsc-run");
static cl::opt<std::string> compileInput(cl::Positional, cl::Required,
                                         cl::desc("<model.mlir|config.json>"),
                                         cl::sub(compileCommand));
static cl::opt<std::string> compileOutput("o", cl::Required,
                                          cl::desc("Plan file"),
                                          cl::value_desc("file"),
                                          cl::sub(compileCommand));
static cl::opt<std::string> compileCluster(
    "cluster", cl::init("h100x1"),
    cl::desc("Built-in cluster or cluster JSON (default h100x1: one rank)"),
    cl::sub(compileCommand));
static cl::opt<double> learningRate("lr", cl::init(1e-3),
                                    cl::desc("AdamW learning rate"),
                                    cl::sub(compileCommand));
static cl::opt<int64_t> warmup("warmup", cl::init(0), cl::desc("Warm-up steps"),
                               cl::sub(compileCommand));
static cl::opt<std::string> storage(
    "storage", cl::init("model"),
    cl::desc("Tensor storage: model (the model's dtypes: BF16 activations "
             "and weights with FP32 master weights and gradients and the "
             "run's AdamW moments, BF16 by default; the mixed-precision "
             "default) or f32 (everything FP32, AdamW moments included)"),
    cl::sub(compileCommand));

static cl::opt<int64_t> redundantExperts(
    "redundant-experts", cl::init(0),
    cl::desc("Extra expert slots per MoE layer (replicas of the busiest "
             "experts, DeepSeek-V3's redundant experts); needs --ep > 1"),
    cl::sub(compileCommand));
static cl::opt<std::string> expertLoads(
    "expert-loads", cl::init(""),
    cl::desc("Place the experts for these loads (dsc-run --expert-loads or "
             "dsc place's JSON / CSV), one layer per MoE layer"),
    cl::value_desc("file"), cl::sub(compileCommand));
static cl::opt<std::string> placementPolicy(
    "placement-policy", cl::init("auto"),
    cl::desc("Expert placement: hierarchical (groups on nodes first, for "
             "node-limited routing), global or auto"),
    cl::sub(compileCommand));

int runCompile(MLIRContext &context) {
  if (storage != "model" && storage != "f32") {
    WithColor::error() << "dsc compile: --storage wants model or f32, got '"
                       << storage << "'\n";
    return 1;
  }
  if (!std::isfinite(learningRate) || learningRate <= 0) {
    WithColor::error() << "dsc compile: --lr wants a positive learning rate, "
                       << "got " << learningRate << "\n";
    return 1;
  }
  if (warmup < 0) {
    WithColor::error() << "dsc compile: --warmup wants a step count >= 0, got "
                       << warmup << "\n";
    return 1;
  }
  ModelOnCluster loaded =
      loadModelOnCluster(context, compileInput, compileCluster);
  if (!loaded.module)
    return 1;
  // A small training run by default; data parallelism over the cluster's
  // GPUs and every expert on every rank unless the options say otherwise
  // (ZeRO-1 as every run: RunOptions).
  dsc::RunOptions defaults;
  defaults.seqLen = 256;
  defaults.microBatch = 4;
  defaults.microBatches = 1;
  defaults.ep = 1;
  FailureOr<dsc::ResolvedRun> resolved =
      addRunFromFlags(loaded, defaults, "compile");
  if (failed(resolved))
    return 1;
  if (!resolved->isTraining())
    return WithColor::error() << "dsc compile: plans train; drop --mode\n", 1;
  dsc::RunOp run = resolved->run;

  PassManager manager(&context);
  bool place = redundantExperts != 0 || !expertLoads.empty();
  if (place) {
    if (redundantExperts < 0)
      return WithColor::error() << "dsc compile: --redundant-experts wants a "
                                   "slot count >= 0, got "
                                << redundantExperts << "\n",
             1;
    if (resolved->ep() == 1)
      return WithColor::error()
                 << "dsc compile: --redundant-experts and --expert-loads "
                    "place experts over an expert-parallel group; pass --ep "
                    "> 1\n",
             1;
    dsc::DscExpertPlacementOptions placement;
    placement.ep = resolved->ep();
    placement.nodes = resolved->expertNodes();
    placement.redundant = redundantExperts;
    placement.loads = expertLoads;
    placement.policy = placementPolicy;
    manager.nest<dsc::ModelOp>().addPass(
        dsc::createDscExpertPlacement(placement));
  }
  dsc::buildTrainingPipeline(manager, storage);
  if (failed(manager.run(*loaded.module)))
    return 1;
  dsc::PlanOptions planOptions;
  planOptions.learningRate = learningRate;
  planOptions.warmupSteps = warmup;
  FailureOr<dsc::plan::Plan> plan =
      dsc::emitPlan(run, *loaded.module, planOptions);
  if (failed(plan))
    return 1;
  std::string error;
  if (!dsc::plan::writePlanFile(compileOutput, *plan, error)) {
    WithColor::error() << error << "\n"; // names the file
    return 1;
  }
  return 0;
}
} // namespace dsc::driver
