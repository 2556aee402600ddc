//===- PlanEmitter.h - a training program as a runtime plan -----*- C++ -*-===//
//
// Translates a run's `dsc.pipeline` and the memory-planned fragments it
// calls (the end of dsc-training-pipeline) into the runtime's plan
// (runtime/plan/Plan.h): per pipeline rank its buffers, one program per
// fragment, the sends, receives and copies between stages, the optimizer
// program, and the rank's program order as its schedule; data-parallel
// ranks replicate their pipeline rank.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TARGET_PLANEMITTER_H
#define DSC_TARGET_PLANEMITTER_H

#include "dsc/IR/DscOps.h"
#include "dsc/plan/Plan.h"
#include "mlir/IR/BuiltinOps.h"

namespace dsc {

struct PlanOptions {
  double learningRate = 1e-3;
  int64_t warmupSteps = 0;
};

mlir::FailureOr<plan::Plan> emitPlan(RunOp run, mlir::ModuleOp module,
                                     const PlanOptions &options);

/// Registers `dsc-to-plan` for dsc-translate: the module's one pipeline as
/// validated plan file bytes.
void registerToPlanTranslation();

} // namespace dsc

#endif // DSC_TARGET_PLANEMITTER_H
