//===- WeightStorage.h - bytes and precision of weights --------*- C++ -*-===//
//
// How a model stores the parameters its ops read, for the byte, FLOP and
// communication estimates. The declared element types are the truth: an
// FP8 linear weight takes one byte per value plus its FP32 `_scale_inv`
// block scales, and its layer runs in FP8. A run with the FP8 recipe on a
// model that has not been through dsc-fp8-quantize (no FP8 weights, no
// recipe) is priced as that pass's defaults would make it: every linear
// weight in E4M3 with one FP32 scale per 128 x 128 block, activations in
// 1 x 128 tiles.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_WEIGHTSTORAGE_H
#define DSC_ANALYSIS_WEIGHTSTORAGE_H

#include "dsc/IR/DscOps.h"
#include "llvm/ADT/StringMap.h"

namespace dsc {

class WeightStorage {
public:
  WeightStorage() = default;
  /// `fp8Recipe`: the run uses the FP8 recipe.
  WeightStorage(ModelOp model, bool fp8Recipe);

  /// Bytes of the tensors `spec` names (every expert of a routed spec).
  int64_t bytes(const ParameterSpec &spec) const;
  /// Whether `spec` is the weight of a linear layer that runs in FP8.
  bool isFP8(const ParameterSpec &spec) const;
  /// Whether BF16 linear weights are priced as dsc-fp8-quantize would make
  /// them (an FP8 run of a model that has not been through it).
  bool assumesFP8() const { return assumeFP8; }
  /// The 1 x N activation tiles of the FP8 layers.
  int64_t getActTileWidth() const { return actTile; }

private:
  /// The element type `spec` is declared with (expert 0's for experts
  /// declared one by one).
  mlir::Type elementType(const ParameterSpec &spec) const;

  llvm::StringMap<ParameterOp> declared;
  llvm::SmallVector<int64_t, 2> weightBlock;
  int64_t actTile = FP8RecipeAttr::kDeepSeekV3Tile;
  bool assumeFP8 = false;
};

} // namespace dsc

#endif // DSC_ANALYSIS_WEIGHTSTORAGE_H
