//===- DscInterfaces.h - dsc op interfaces ----------------------*- C++ -*-===//

#ifndef DSC_IR_DSCINTERFACES_H
#define DSC_IR_DSCINTERFACES_H

#include "mlir/IR/OpDefinition.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace dsc {

/// A parameter an op reads: its checkpoint name and the shape the op's
/// hyper-parameters imply.
struct ParameterSpec {
  /// Full checkpoint name; for routed experts a template containing `{e}`.
  std::string name;
  /// Expected shape (of one expert, for routed experts).
  llvm::SmallVector<int64_t> shape;
  /// Number of routed experts the template expands to; 0 for a plain tensor.
  int64_t numExperts = 0;
  /// How the shape follows from the hyper-parameters, for diagnostics.
  std::string derivation;
};

namespace detail {
/// A parameter owner must sit inside the `dsc.model` that declares what it
/// reads.
mlir::LogicalResult verifyParameterOwner(mlir::Operation *op);
} // namespace detail

} // namespace dsc

#include "dsc/IR/DscInterfaces.h.inc"

#endif // DSC_IR_DSCINTERFACES_H
