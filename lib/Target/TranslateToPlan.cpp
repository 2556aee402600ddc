//===- TranslateToPlan.cpp - the registered dsc-to-plan translation -------===//
//
// `dsc-translate --dsc-to-plan` writes the plan of the module's one
// dsc.pipeline (after dsc-training-pipeline), validated, as plan file bytes;
// `dsc compile` runs the same emitter and writes the file atomically.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/Target/PlanEmitter.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/Support/CommandLine.h"

using namespace mlir;

namespace {
struct PlanTranslationFlags {
  llvm::cl::opt<double> learningRate{
      "plan-lr", llvm::cl::desc("dsc-to-plan: the AdamW learning rate"),
      llvm::cl::init(1e-3)};
  llvm::cl::opt<int64_t> warmupSteps{
      "plan-warmup", llvm::cl::desc("dsc-to-plan: linear warmup steps"),
      llvm::cl::init(0)};
};
PlanTranslationFlags &flags() {
  static PlanTranslationFlags instance;
  return instance;
}

LogicalResult translateToPlan(Operation *op, llvm::raw_ostream &output) {
  auto module = dyn_cast<ModuleOp>(op);
  if (!module)
    return op->emitError("dsc-to-plan: expected a builtin.module");
  SmallVector<dsc::PipelineOp> pipelines(module.getOps<dsc::PipelineOp>());
  if (pipelines.size() != 1)
    return module.emitError("dsc-to-plan: expected one dsc.pipeline, found ")
           << pipelines.size()
           << "; run dsc-training-pipeline on a module with one dsc.run";
  auto run = module.lookupSymbol<dsc::RunOp>(pipelines.front().getRun());
  if (!run)
    return pipelines.front().emitOpError("dsc-to-plan: names no dsc.run");
  dsc::PlanOptions options;
  options.learningRate = flags().learningRate;
  options.warmupSteps = flags().warmupSteps;
  FailureOr<dsc::plan::Plan> plan = dsc::emitPlan(run, module, options);
  if (failed(plan))
    return failure();
  std::vector<std::string> errors = dsc::plan::validatePlan(*plan);
  if (!errors.empty()) {
    InFlightDiagnostic diag =
        run.emitError("dsc-to-plan: the plan is invalid:");
    for (const std::string &error : errors)
      diag << "\n  " << error;
    return diag;
  }
  std::vector<uint8_t> bytes = dsc::plan::encodePlan(*plan);
  output.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return success();
}
} // namespace

void dsc::registerToPlanTranslation() {
  flags();
  TranslateFromMLIRRegistration registration(
      "dsc-to-plan", "a dsc.pipeline and its fragments as a runtime plan",
      translateToPlan, [](DialectRegistry &registry) {
        registry.insert<dsc::DscDialect, func::FuncDialect>();
      });
}
