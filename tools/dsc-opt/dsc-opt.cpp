//===- dsc-opt.cpp - parse, verify, transform and print dsc IR ------------===//

#include "dsc/Conversion/Passes.h"
#include "dsc/IR/DscDialect.h"
#include "dsc/Pipelines/Pipelines.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  dsc::registerDscPasses();
  dsc::registerDscConversionPasses();
  dsc::registerDscPipelines();

  mlir::DialectRegistry registry;
  // Kernel-level programs are func.func bodies.
  registry.insert<dsc::DscDialect, mlir::func::FuncDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dsc optimizer driver\n", registry));
}
