//===- ImportModel.h - build the dsc dialect from a config ------*- C++ -*-===//

#ifndef DSC_IMPORT_IMPORTMODEL_H
#define DSC_IMPORT_IMPORTMODEL_H

#include "dsc/Import/ModelConfig.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>

namespace dsc {

struct ImportOptions {
  /// Symbol of the `dsc.model`; empty: the config's `model_type`.
  std::string modelName;
  /// Lambda, the weight of the MTP losses (DeepSeek-V3: 0.3, later 0.1).
  double mtpLossWeight = 0.3;
  /// Gamma, the per-step bias update of auxiliary-loss-free balancing
  /// (used with `topk_method: noaux_tc`).
  double biasUpdateRate = 0.001;
};

/// Builds the model `config` describes as a `dsc.model` in a new module and
/// verifies it. Returns null, after emitting diagnostics located in the
/// config file, when the configuration is inconsistent.
mlir::OwningOpRef<mlir::ModuleOp> importModel(const ModelConfig &config,
                                              mlir::MLIRContext *context,
                                              const ImportOptions &options);

/// Parses and verifies `.mlir` text after checking its nesting against
/// kMaxMLIRNesting (dsc/Support/Nesting.h). Returns null after emitting
/// diagnostics.
mlir::OwningOpRef<mlir::ModuleOp>
parseModelSource(std::unique_ptr<llvm::MemoryBuffer> buffer,
                 mlir::MLIRContext *context);

/// Loads a model from a `.json` HuggingFace config (imported) or a `.mlir`
/// file (parsed), verified. Returns null after emitting diagnostics.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(llvm::StringRef path,
                                            mlir::MLIRContext *context,
                                            const ImportOptions &options = {});

} // namespace dsc

#endif // DSC_IMPORT_IMPORTMODEL_H
