//===- LoadModel.cpp - a model from config.json or .mlir ------------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Support/Nesting.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace dsc;

OwningOpRef<ModuleOp> dsc::loadModel(StringRef path, MLIRContext *context,
                                     const ImportOptions &options) {
  context->getOrLoadDialect<DscDialect>();
  if (llvm::sys::path::extension(path) == ".json") {
    llvm::Expected<ModelConfig> config = readModelConfig(path);
    if (!config) {
      emitError(UnknownLoc::get(context), llvm::toString(config.takeError()));
      return nullptr;
    }
    return importModel(*config, context, options);
  }
  std::string error;
  auto buffer = openInputFile(path, &error);
  if (!buffer) {
    emitError(UnknownLoc::get(context), path + ": " + error);
    return nullptr;
  }
  return parseModelSource(std::move(buffer), context);
}

OwningOpRef<ModuleOp>
dsc::parseModelSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                      MLIRContext *context) {
  context->getOrLoadDialect<DscDialect>();
  if (std::optional<MLIRNestingExcess> excess =
          findMLIRNestingExcess(buffer->getBuffer())) {
    emitError(FileLineColLoc::get(context, buffer->getBufferIdentifier(),
                                  excess->line, excess->column))
        << excess->message;
    return nullptr;
  }
  // parseSourceFile verifies what it parses.
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, context);
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, context);
}
