//===- TrainingPipelineFuzzer.cpp - .mlir through the pipeline ----------===//
//
// What `dsc compile model.mlir` and `dsc-opt
// --pass-pipeline=builtin.module(dsc-training-pipeline)` do with a model file:
// parse and verify it (dsc::parseModelSource, as dsc loads models), then run
// the registered training pipeline (partition, schedule, lowering, autodiff,
// memory planning, verifying after each pass) when it holds a dsc.run. The
// input splits at `// -----` lines as dsc-opt --split-input-file does, so
// the dialect's lit tests are seeds. Inputs and models are bounded so that
// one execution stays fast: the pipeline runs only on small models and runs.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

static constexpr size_t kMaxInput = 16 * 1024;
static constexpr int64_t kMaxOps = 2000;
static constexpr int64_t kMaxLayers = 8;
static constexpr int64_t kMaxMicroBatches = 16;
static constexpr int64_t kMaxStages = 8;

/// Whether the pipeline should run on `module`: it has a run, and every
/// model and run is small.
static bool worthLowering(mlir::ModuleOp module) {
  int64_t ops = 0;
  bool hasRun = false, small = true;
  module.walk([&](mlir::Operation *op) {
    ++ops;
    if (auto model = llvm::dyn_cast<dsc::ModelOp>(op))
      small &= model.getNumHiddenLayers() + model.getNumNextnPredictLayers() <=
               kMaxLayers;
    if (auto run = llvm::dyn_cast<dsc::RunOp>(op)) {
      hasRun = true;
      small &= run.getMicroBatches() <= kMaxMicroBatches &&
               run.getVirtualStages().value_or(2) <= kMaxStages;
    }
    if (auto mesh = llvm::dyn_cast<dsc::MeshOp>(op))
      small &= mesh.getPp() <= kMaxStages;
  });
  return hasRun && small && ops <= kMaxOps;
}

static void compile(llvm::StringRef chunk) {
  mlir::MLIRContext &context = dsc::fuzz::context();
  // As dsc loads a model file: nesting checked, parsed, verified. MLIR's
  // lexer stops at the NUL after the text, which a file's buffer has and a
  // slice of the fuzzer's bytes does not: the buffer is a copy.
  mlir::OwningOpRef<mlir::ModuleOp> module = dsc::parseModelSource(
      llvm::MemoryBuffer::getMemBufferCopy(chunk, "fuzz.mlir"), &context);
  if (!module || !worthLowering(*module))
    return;
  mlir::PassManager manager(&context);
  dsc::buildTrainingPipeline(manager);
  (void)manager.run(*module);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput)
    return 0;
  llvm::StringRef rest = dsc::fuzz::text(data, size);
  while (!rest.empty()) {
    auto [chunk, tail] = rest.split("// -----");
    compile(chunk);
    rest = tail;
  }
  return 0;
}
