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
  /// For the weight [out, in] of a linear layer that may run in FP8: the
  /// input it reads, named as the owner's `linears` region names its block
  /// arguments (`x` is the op's own input). Empty for other parameters
  /// (norms, embedding, head, MoE gate), which stay in BF16/FP32.
  std::string linearInput;

  bool isLinear() const { return !linearInput.empty(); }
};

/// Names of linear-layer inputs the FP8 recipe treats specially.
namespace linear_input {
/// The owner's own input (for routed experts: the tokens dispatched).
inline constexpr llvm::StringLiteral opInput = "x";
/// The attention core's output, read by the linear after attention.
inline constexpr llvm::StringLiteral attention = "attention";
} // namespace linear_input

/// One input of an op's linear layers and its width (their `in`).
struct LinearInput {
  std::string name;
  int64_t width = 0;
};

/// The distinct inputs the linear weights among `specs` read, in order of
/// first use: the block arguments of the owner's `linears` region.
llvm::SmallVector<LinearInput>
getLinearInputs(llvm::ArrayRef<ParameterSpec> specs);

namespace detail {
/// A parameter owner must sit inside the `dsc.model` that declares what it
/// reads.
mlir::LogicalResult verifyParameterOwner(mlir::Operation *op);
} // namespace detail

} // namespace dsc

#include "dsc/IR/DscInterfaces.h.inc"

#endif // DSC_IR_DSCINTERFACES_H
