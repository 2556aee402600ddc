//===- ClusterFuzzer.cpp - fuzz cluster files (--cluster FILE) ------------===//
//
// `dsc report/compile/schedule --cluster FILE`: read the JSON file, build the
// dsc.cluster and verify it.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "FuzzInput.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Import/ClusterImport.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

static constexpr size_t kMaxInput = 64 * 1024;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput)
    return 0;
  static dsc::fuzz::ScratchFile scratch(".json");
  const std::string &path = scratch.write(data, size);
  mlir::MLIRContext &context = dsc::fuzz::context();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  mlir::OpBuilder builder(module->getBodyRegion());
  if (mlir::succeeded(dsc::importCluster(path, builder)))
    (void)mlir::verify(*module);
  return 0;
}
