//===- ExampleModel.h - a bundled example model for tests -------*- C++ -*-===//

#ifndef DSC_TEST_UNIT_EXAMPLEMODEL_H
#define DSC_TEST_UNIT_EXAMPLEMODEL_H

#include "dsc/IR/DscOps.h"
#include "dsc/Import/ImportModel.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

namespace dsc {

/// Imports `examples/<name>/config.json` (tiny, deepseek-v3).
class ExampleModel : public ::testing::Test {
protected:
  ModelOp load(llvm::StringRef name) {
    module = loadModel(
        (DSC_SOURCE_DIR "/examples/" + name + "/config.json").str(), &context);
    EXPECT_TRUE(module);
    return module ? *module->getOps<ModelOp>().begin() : ModelOp();
  }

  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

} // namespace dsc

#endif // DSC_TEST_UNIT_EXAMPLEMODEL_H
