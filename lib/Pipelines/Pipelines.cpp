//===- Pipelines.cpp - registered dsc pass pipelines ----------------------===//

#include "dsc/Pipelines/Pipelines.h"
#include "dsc/Conversion/Passes.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"

void dsc::buildTrainingPipeline(mlir::OpPassManager &manager,
                                llvm::StringRef storage) {
  // Layout and schedule on the model-level IR, then the kernel-level
  // program; the pass manager verifies the IR after each pass.
  DscPipelinePartitionOptions partition;
  partition.keepLayouts = true;
  manager.addPass(createDscPipelinePartition(partition));
  manager.addPass(createDscPipelineSchedule());
  manager.addPass(createDscLowerToKernels());
  manager.addPass(createDscExpertParallel());
  manager.addPass(createDscKernelAutodiff());
  manager.addPass(createDscFP8Dispatch());
  manager.addPass(createDscFragment());
  DscPlanMemoryOptions memory;
  memory.storage = storage.str();
  manager.addPass(createDscPlanMemory(memory));
}

void dsc::registerDscPipelines() {
  mlir::PassPipelineRegistration<>(
      "dsc-training-pipeline",
      "Partition, schedule, lower to kernels, differentiate, split into "
      "fragments and plan memory for a model's dsc.run",
      [](mlir::OpPassManager &manager) { buildTrainingPipeline(manager); });
}
