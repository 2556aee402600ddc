//===- dsc-opt.cpp - parse, verify, transform and print dsc IR ------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  dsc::registerDscPasses();

  mlir::DialectRegistry registry;
  registry.insert<dsc::DscDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "dsc optimizer driver\n", registry));
}
