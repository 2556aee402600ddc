//===- Parameters.h - checkpoint names of model parameters ------*- C++ -*-===//
//
// The exact mapping between a model's `dsc.parameter` symbols and the tensor
// names of its HuggingFace checkpoint, in both directions.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IR_PARAMETERS_H
#define DSC_IR_PARAMETERS_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace dsc {
class ModelOp;

/// Stands for the routed-expert index in a stacked parameter's name.
inline constexpr llvm::StringLiteral kExpertIndexMarker = "{e}";

/// Whether `name` is a stacked-expert template (contains `{e}`).
bool isExpertTemplate(llvm::StringRef name);

/// `name` with `{e}` replaced by `expert`.
std::string expandExpertName(llvm::StringRef name, int64_t expert);

/// DeepSeek's FP8 checkpoints keep the block scales of FP8 weight `W` in
/// the FP32 tensor `W_scale_inv` (dequantized value = FP8 value x scale).
inline constexpr llvm::StringLiteral kScaleInvSuffix = "_scale_inv";

/// `weight` + `_scale_inv`.
std::string scaleInvName(llvm::StringRef weight);

/// The shape of an FP8 weight's block scales: its last two dimensions
/// [out, in] become [ceil(out / block[0]), ceil(in / block[1])] (ragged
/// blocks are zero-padded); leading (expert) dimensions stay.
llvm::SmallVector<int64_t> blockScaleShape(llvm::ArrayRef<int64_t> weight,
                                           llvm::ArrayRef<int64_t> block);

/// One tensor of the checkpoint and the parameter that binds it.
struct CheckpointTensor {
  std::string name;
  /// The `dsc.parameter` symbol it binds to.
  std::string parameterName;
  /// For a stacked parameter: which expert slice this tensor is.
  std::optional<int64_t> expert;
  llvm::SmallVector<int64_t> shape;
  mlir::Type elementType;
  /// A checkpoint copy of a parameter the model shares (the MTP modules'
  /// `embed_tokens` and `shared_head.head`): it binds to the shared one.
  bool isAlias = false;
};

/// Calls `fn` for every checkpoint tensor the model binds, in declaration
/// order, expanding stacked experts and listing shared-parameter aliases.
void forEachCheckpointTensor(
    ModelOp model, llvm::function_ref<void(const CheckpointTensor &)> fn);

/// The binding of checkpoint tensor `name`, if the model has one.
std::optional<CheckpointTensor> lookupCheckpointTensor(ModelOp model,
                                                       llvm::StringRef name);

} // namespace dsc

#endif // DSC_IR_PARAMETERS_H
