//===- Pipelines.h - registered dsc pass pipelines --------------*- C++ -*-===//

#ifndef DSC_PIPELINES_PIPELINES_H
#define DSC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace dsc {

/// From a verified model and run to a memory-planned training program:
/// dsc-pipeline-partition, dsc-pipeline-schedule, dsc-lower-to-kernels,
/// dsc-kernel-autodiff, dsc-plan-memory, with the verifier between phases.
/// `storage`: dsc-plan-memory's tensor storage ("model" or "f32", the CPU
/// backend's).
void buildTrainingPipeline(mlir::OpPassManager &manager,
                           llvm::StringRef storage = "model");

/// Registers `dsc-training-pipeline` for dsc-opt's --pass-pipeline.
void registerDscPipelines();

} // namespace dsc

#endif // DSC_PIPELINES_PIPELINES_H
