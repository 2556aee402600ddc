//===- TrainingPipelineFuzzer.cpp - fuzz .mlir through dsc-training-pipeline -===//
//
// What `dsc-opt --pass-pipeline=builtin.module(dsc-training-pipeline)` and
// `dsc compile` do with a model file: parse and verify it, then run the
// registered training pipeline (partition, schedule, lowering, autodiff,
// memory planning, verifying after each pass) when it holds a dsc.run. The
// input splits at `// -----` lines as dsc-opt --split-input-file does, so
// the dialect's lit tests are seeds. Inputs and models are bounded so that
// one execution stays fast: the pipeline runs only on small models and runs.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Pipelines/Pipelines.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include <string>

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
               run.getPp() <= kMaxStages;
    }
  });
  return hasRun && small && ops <= kMaxOps;
}

static void compile(llvm::StringRef chunk) {
  mlir::MLIRContext &context = dsc::fuzz::context();
  // MLIR's lexer stops at a NUL after the text, which the files the tools
  // read always have (MemoryBuffer) and a slice of the fuzzer's bytes does
  // not: a copy ends in one.
  std::string source = chunk.str();
  // Verified as it is parsed.
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context, "fuzz.mlir");
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
