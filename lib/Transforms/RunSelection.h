//===- RunSelection.h - the dsc.run ops a pass works on ---------*- C++ -*-===//

#ifndef DSC_LIB_TRANSFORMS_RUNSELECTION_H
#define DSC_LIB_TRANSFORMS_RUNSELECTION_H

#include "dsc/IR/DscOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace dsc {

/// The module's runs named `name` (every run when empty); an error naming
/// `pass` when there is none.
mlir::FailureOr<llvm::SmallVector<RunOp>>
selectRuns(mlir::ModuleOp module, llvm::StringRef name, llvm::StringRef pass);

} // namespace dsc

#endif // DSC_LIB_TRANSFORMS_RUNSELECTION_H
