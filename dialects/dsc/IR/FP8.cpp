//===- FP8.cpp - the FP8 recipe and the linear-level FP8 ops --------------===//
//
// Verifiers of #dsc.fp8, dsc.quantize and dsc.fp8_gemm, and of the
// `linears` regions in which the model-level ops hold them: tiles divide,
// scale shapes follow from the tiles, weights are FP8 parameters with their
// `_scale_inv` block scales.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscOps.h"
#include "dsc/IR/Parameters.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace dsc;

static int64_t ceilDiv(int64_t value, int64_t divisor) {
  return (value + divisor - 1) / divisor;
}

/// `AxBxC`.
static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

static bool isE4M3(Type type) {
  return isa<Float8E4M3FNType>(cast<RankedTensorType>(type).getElementType());
}

//===----------------------------------------------------------------------===//
// FP8RecipeAttr
//===----------------------------------------------------------------------===//

LogicalResult
FP8RecipeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      ArrayRef<int64_t> actTile, ArrayRef<int64_t> weightBlock,
                      ScaleFormat, int64_t promote, ArrayRef<int64_t> wgradTile,
                      ScaleFormat, ScaleFormat, Type master, Type grads,
                      Type moments) {
  if (actTile.size() != 2 || actTile[0] != 1 || actTile[1] <= 0)
    return emitError() << "'act_tile' must be [1, N] with N > 0 (one scale "
                          "per token and N channels), got ["
                       << actTile << "]";
  if (weightBlock.size() != 2 || weightBlock[0] <= 0 || weightBlock[1] <= 0)
    return emitError() << "'weight_block' must be [R, C] with R, C > 0, got ["
                       << weightBlock << "]";
  if (wgradTile.size() != 2 || wgradTile[0] <= 0 || wgradTile[1] != 1)
    return emitError() << "'wgrad_tile' must be [N, 1] with N > 0 (N tokens "
                          "of one channel), got ["
                       << wgradTile << "]";
  if (promote <= 0 || actTile[1] % promote != 0 ||
      weightBlock[1] % promote != 0)
    return emitError() << "'promote' (" << promote
                       << ") must divide the activation tile width ("
                       << actTile[1] << ") and the weight block width ("
                       << weightBlock[1]
                       << "): the scales apply when a partial sum is "
                          "promoted, so no interval may span two tiles";
  if (!master.isF32())
    return emitError() << "'master' weights must be f32, got " << master;
  for (auto [name, type] : {std::pair<StringRef, Type>{"grads", grads},
                            std::pair<StringRef, Type>{"moments", moments}})
    if (!type.isF32() && !type.isBF16())
      return emitError() << "'" << name << "' must be f32 or bf16, got "
                         << type;
  return success();
}

FP8RecipeAttr FP8RecipeAttr::getDeepSeekV3(MLIRContext *context,
                                           int64_t actTile, int64_t weightBlock,
                                           ScaleFormat scale, int64_t promote) {
  Builder b(context);
  return get(context, {1, actTile}, {weightBlock, weightBlock}, scale, promote,
             {actTile, 1}, ScaleFormat::ue8m0, ScaleFormat::ue8m0,
             b.getF32Type(), b.getF32Type(), b.getBF16Type());
}

int64_t FP8RecipeAttr::getActScaleWidth(int64_t width) const {
  return ceilDiv(width, getActTileWidth());
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

void QuantizeOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getQuantized(), "fp8");
  setNameFn(getScales(), "scales");
}

LogicalResult QuantizeOp::verify() {
  ArrayRef<int64_t> tile = getTile();
  if (tile.size() != 2 || tile[0] != 1 || tile[1] <= 0)
    return emitOpError("tile must be [1, N] with N > 0 (one scale per token "
                       "and N channels), got [")
           << tile << "]";
  auto input = cast<RankedTensorType>(getInput().getType());
  auto quantized = cast<RankedTensorType>(getQuantized().getType());
  if (isE4M3(input))
    return emitOpError("input is FP8 already");
  if (!isE4M3(quantized) || quantized.getShape() != input.getShape())
    return emitOpError("result must be the input's shape in f8E4M3FN (E4M3 "
                       "for all FP8 tensors), got ")
           << quantized;
  auto scales = cast<RankedTensorType>(getScales().getType());
  int64_t expected = ceilDiv(input.getDimSize(2), getTileWidth());
  if (!scales.getElementType().isF32() || scales.getDimSize(2) != expected)
    return emitOpError("scales must be tensor<?x?x")
           << expected << "xf32>: one per 1 x " << getTileWidth()
           << " tile of the " << input.getDimSize(2)
           << " channels (a ragged last tile is zero-padded), got " << scales;
  return success();
}

//===----------------------------------------------------------------------===//
// FP8GemmOp
//===----------------------------------------------------------------------===//

std::string FP8GemmOp::getWeightScalesName() {
  return scaleInvName(getWeight());
}

LogicalResult FP8GemmOp::verify() {
  FP8RecipeAttr recipe = getRecipe();
  if (!isE4M3(getInput().getType()))
    return emitOpError("input must be f8E4M3FN (quantize it with "
                       "dsc.quantize), got ")
           << getInput().getType();
  int64_t k = activationWidth(getInput());
  auto scales = cast<RankedTensorType>(getInputScales().getType());
  int64_t expected = recipe.getActScaleWidth(k);
  if (!scales.getElementType().isF32() || scales.getDimSize(2) != expected)
    return emitOpError("input_scales must be tensor<?x?x")
           << expected << "xf32>: one per 1 x " << recipe.getActTileWidth()
           << " tile of the recipe over the " << k << " input channels, got "
           << scales;
  if (auto quantize = getInputScales().getDefiningOp<QuantizeOp>()) {
    if (quantize.getQuantized() != getInput())
      return emitOpError("input and input_scales must come from the same "
                         "dsc.quantize");
    if (quantize.getTile() != recipe.getActTile())
      return emitOpError("reads an input quantized per [")
             << quantize.getTile() << "] tiles but its recipe's act_tile is ["
             << recipe.getActTile() << "]";
  }
  Type output = cast<RankedTensorType>(getOutput().getType()).getElementType();
  if (isE4M3(getOutput().getType()))
    return emitOpError("output must be BF16 (or f16/f32), not FP8");
  if (getCombine() && !output.isBF16())
    return emitOpError("'combine' output must be BF16 (the MoE combine "
                       "returns BF16), got ")
           << output;
  return success();
}

LogicalResult FP8GemmOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto weight =
      symbols.lookupNearestSymbolFrom<ParameterOp>(*this, getWeightAttr());
  if (!weight)
    return emitOpError("weight @")
           << getWeight() << " does not name a 'dsc.parameter'";
  RankedTensorType type = weight.getTensorType();
  int64_t rank = type.getRank();
  if (!isE4M3(type) || rank < 2 || rank > 3 ||
      (rank == 3) != weight.isStackedExperts())
    return emitOpError("weight @")
           << getWeight()
           << " must be an f8E4M3FN [out, in] parameter (stacked routed "
              "experts: [experts, out, in]), got "
           << type;
  int64_t n = type.getDimSize(rank - 2), k = type.getDimSize(rank - 1);
  if (k != activationWidth(getInput()) || n != activationWidth(getOutput()))
    return emitOpError("weight @")
           << getWeight() << " is [out, in] = [" << n << ", " << k
           << "] but the GEMM maps " << activationWidth(getInput())
           << " channels to " << activationWidth(getOutput());

  std::string scalesName = getWeightScalesName();
  auto scales = symbols.lookupNearestSymbolFrom<ParameterOp>(
      *this, StringAttr::get(getContext(), scalesName));
  SmallVector<int64_t> shape =
      blockScaleShape(type.getShape(), getRecipe().getWeightBlock());
  if (!scales || !scales.getTensorType().getElementType().isF32() ||
      scales.getTensorType().getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("needs the weight's block scales: 'dsc.parameter @\"")
           << scalesName << "\" : tensor<" << shapeText(shape)
           << "xf32>', one per [" << getRecipe().getWeightBlock() << "] block";
  // One recipe per model: the model's sets the blocks its verifier checks.
  auto model = (*this)->getParentOfType<ModelOp>();
  if (!model)
    return success();
  if (!model.getFp8())
    return emitOpError("is in a model without an FP8 recipe; give @")
           << model.getSymName() << " 'fp8' " << getRecipe();
  if (*model.getFp8() != getRecipe())
    return emitOpError("follows another FP8 recipe than its model's ")
           << *model.getFp8();
  return success();
}

//===----------------------------------------------------------------------===//
// The `linears` region of a model-level op
//===----------------------------------------------------------------------===//

LogicalResult dsc::verifyLinears(ParameterOwnerOpInterface owner) {
  Region *region = owner.getLinearsRegion();
  if (!region || region->empty())
    return success();
  Operation *op = owner;
  SmallVector<ParameterSpec> specs;
  owner.getParameterSpecs(specs);
  SmallVector<LinearInput> inputs = getLinearInputs(specs);
  Block &body = region->front();

  // Arguments: the inputs of the linear layers, in the op's element type.
  Type element =
      cast<RankedTensorType>(op->getOperand(0).getType()).getElementType();
  auto expectedType = [&](const LinearInput &input) {
    return RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic, input.width}, element);
  };
  if (body.getNumArguments() != inputs.size()) {
    InFlightDiagnostic diag = op->emitOpError("'linears' must take the ")
                              << inputs.size()
                              << " inputs of its linear layers (";
    llvm::interleaveComma(inputs, diag,
                          [&](const LinearInput &in) { diag << in.name; });
    return diag << "), got " << body.getNumArguments() << " arguments";
  }
  for (auto [input, arg] : llvm::zip(inputs, body.getArguments()))
    if (arg.getType() != expectedType(input))
      return op->emitOpError("'linears' argument '")
             << input.name << "' must be " << expectedType(input) << ", got "
             << arg.getType();

  // Quantizations of the arguments, then one GEMM per FP8 linear layer.
  llvm::StringMap<const ParameterSpec *> linears;
  for (const ParameterSpec &spec : specs)
    if (spec.isLinear())
      linears[spec.name] = &spec;
  llvm::StringSet<> seen;
  SmallVector<Value> outputs;
  for (Operation &inner : body.without_terminator()) {
    if (auto quantize = dyn_cast<QuantizeOp>(inner)) {
      if (!isa<BlockArgument>(quantize.getInput()))
        return quantize.emitOpError("in a 'linears' region quantizes one of "
                                    "the region's arguments");
      continue;
    }
    auto gemm = dyn_cast<FP8GemmOp>(inner);
    if (!gemm)
      return inner.emitOpError("cannot be in the 'linears' region of '")
             << op->getName()
             << "', which holds only dsc.quantize and dsc.fp8_gemm";
    const ParameterSpec *spec = linears.lookup(gemm.getWeight());
    if (!spec)
      return gemm.emitOpError("weight @")
             << gemm.getWeight() << " is not a linear layer of this '"
             << op->getName() << "'";
    if (!seen.insert(gemm.getWeight()).second)
      return gemm.emitOpError("runs the linear layer of @")
             << gemm.getWeight() << " a second time";
    auto quantize = gemm.getInput().getDefiningOp<QuantizeOp>();
    if (!quantize)
      return gemm.emitOpError("must read a dsc.quantize of the region's "
                              "arguments");
    StringRef read =
        inputs[cast<BlockArgument>(quantize.getInput()).getArgNumber()].name;
    if (read != spec->linearInput)
      return gemm.emitOpError("reads '")
             << read << "' but the linear layer of @" << gemm.getWeight()
             << " is applied to '" << spec->linearInput << "'";
    bool routed = spec->numExperts > 0;
    bool dispatched = routed && spec->linearInput == linear_input::opInput;
    if (quantize.getDispatch() != dispatched)
      return gemm.emitOpError(dispatched
                                  ? "is a routed expert's and must read the "
                                    "'dispatch' quantization (what the "
                                    "all-to-all sends)"
                                  : "must read a quantization that is not "
                                    "dispatched: its input is local");
    if (gemm.getCombine() && !routed)
      return gemm.emitOpError("is not a routed expert's, so its output is "
                              "not combined");
    outputs.push_back(gemm.getOutput());
  }
  auto yield = dyn_cast<YieldOp>(body.empty() ? nullptr : &body.back());
  if (!yield || !llvm::equal(yield.getValues(), outputs))
    return op->emitOpError("'linears' must end with 'dsc.yield' of its ")
           << outputs.size() << " GEMM results, in order";
  return success();
}
