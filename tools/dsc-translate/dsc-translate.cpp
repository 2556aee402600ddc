//===- dsc-translate.cpp - translations out of dsc IR ---------------------===//
//
// mlir-translate for dsc: `--dsc-to-plan` turns the output of
// dsc-training-pipeline into a runtime plan.
//
//===----------------------------------------------------------------------===//

#include "dsc/Target/PlanEmitter.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"

int main(int argc, char **argv) {
  dsc::registerToPlanTranslation();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "dsc translation driver\n"));
}
