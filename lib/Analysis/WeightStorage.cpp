//===- WeightStorage.cpp - bytes and precision of a model's weights -------===//

#include "dsc/Analysis/WeightStorage.h"
#include "dsc/IR/Parameters.h"

using namespace mlir;
using namespace dsc;

WeightStorage::WeightStorage(ModelOp model, bool fp8Recipe)
    : weightBlock(model.getFP8WeightBlock()) {
  for (auto param : model.getBody().front().getOps<ParameterOp>())
    declared[param.getSymName()] = param;
  std::optional<FP8RecipeAttr> recipe = model.getFp8();
  if (recipe)
    actTile = recipe->getActTileWidth();
  assumeFP8 = fp8Recipe && !recipe && !model.hasFP8Weights();
}

Type WeightStorage::elementType(const ParameterSpec &spec) const {
  ParameterOp param = declared.lookup(spec.name);
  if (!param && spec.numExperts)
    param = declared.lookup(expandExpertName(spec.name, 0));
  assert(param && "the model verifier checks every spec is declared");
  return param.getTensorType().getElementType();
}

bool WeightStorage::isFP8(const ParameterSpec &spec) const {
  return spec.isLinear() &&
         (assumeFP8 || isa<Float8E4M3FNType>(elementType(spec)));
}

int64_t WeightStorage::bytes(const ParameterSpec &spec) const {
  int64_t tensors = std::max<int64_t>(spec.numExperts, 1);
  int64_t values = tensors * ShapedType::getNumElements(spec.shape);
  if (!isFP8(spec))
    return values * elementType(spec).getIntOrFloatBitWidth() / 8;
  int64_t scales = tensors * ShapedType::getNumElements(
                                 blockScaleShape(spec.shape, weightBlock));
  return values + 4 * scales;
}
