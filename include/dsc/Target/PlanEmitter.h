//===- PlanEmitter.h - a training program as a runtime plan -----*- C++ -*-===//
//
// Turns a run's memory-planned `func.func @<run>_train` (the end of
// dsc-training-pipeline, with FP32 storage) into the runtime's plan
// (runtime/plan/Plan.h): buffers, forward / backward / optimizer programs
// and the step's schedule. One rank for now (pp 1, dp 1).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TARGET_PLANEMITTER_H
#define DSC_TARGET_PLANEMITTER_H

#include "dsc/IR/DscOps.h"
#include "dsc/plan/Plan.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace dsc {

struct PlanOptions {
  double learningRate = 1e-3;
  int64_t warmupSteps = 0;
};

mlir::FailureOr<plan::Plan> emitPlan(RunOp run, mlir::func::FuncOp train,
                                     const PlanOptions &options);

} // namespace dsc

#endif // DSC_TARGET_PLANEMITTER_H
