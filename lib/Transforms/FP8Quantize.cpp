//===- FP8Quantize.cpp - the dsc-fp8-quantize pass ------------------------===//
//
// Checks the options, then for every op that owns linear layers: retypes the
// weights of those that run in FP8 to E4M3 beside their `_scale_inv` block
// scales, and fills the op's `linears` region with the quantizations of
// their inputs and their GEMMs. Everything else stays as it was (BF16).
// Option errors are reported at the model's location without printing the
// model, which says nothing about them.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/Parameters.h"
#include "dsc/Transforms/Passes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/GlobPattern.h"
#include <map>
#include <numeric>

namespace dsc {
#define GEN_PASS_DEF_DSCFP8QUANTIZE
#include "dsc/Transforms/Passes.h.inc"
} // namespace dsc

using namespace mlir;
using namespace dsc;

namespace {
/// The linear layers `exclude` keeps in BF16: by op kind or by a glob over
/// weight names.
class ExcludeFilter {
public:
  static constexpr StringLiteral kKinds[] = {
      "mla", "mlp", "moe", "shared_experts", "routed_experts", "mtp"};

  static FailureOr<ExcludeFilter> parse(ArrayRef<std::string> entries,
                                        ModelOp model) {
    ExcludeFilter filter;
    for (const std::string &text : entries) {
      Entry entry{text, std::nullopt, false};
      if (!llvm::is_contained(kKinds, text)) {
        if (StringRef(text).find_first_of(".*?[") == StringRef::npos)
          return emitError(model.getLoc())
                 << "unknown 'exclude' entry '" << text
                 << "': use an op kind (mla, mlp, moe, shared_experts, "
                    "routed_experts, mtp) or a glob over weight names such "
                    "as 'model.layers.0.*' or '*.o_proj.weight'";
        llvm::Expected<llvm::GlobPattern> glob =
            llvm::GlobPattern::create(text);
        if (!glob)
          return emitError(model.getLoc())
                 << "bad 'exclude' pattern '" << text
                 << "': " << llvm::toString(glob.takeError());
        entry.glob = std::move(*glob);
      }
      filter.entries.push_back(std::move(entry));
    }
    return filter;
  }

  bool excludes(Operation *owner, const ParameterSpec &spec) {
    StringRef kind = owner->getName().stripDialect();
    StringRef part = "";
    if (isa<MoEOp>(owner))
      part = spec.numExperts ? "routed_experts" : "shared_experts";
    bool excluded = false;
    for (Entry &entry : entries) {
      bool match = entry.glob ? entry.glob->match(spec.name)
                              : entry.text == kind || entry.text == part;
      entry.used |= match;
      excluded |= match;
    }
    return excluded;
  }

  /// Entries that matched no linear layer (likely a typo).
  SmallVector<StringRef> unused() const {
    SmallVector<StringRef> names;
    for (const Entry &entry : entries)
      if (!entry.used)
        names.push_back(entry.text);
    return names;
  }

private:
  struct Entry {
    std::string text;
    std::optional<llvm::GlobPattern> glob;
    bool used;
  };
  SmallVector<Entry> entries;
};

struct FP8QuantizePass : public dsc::impl::DscFP8QuantizeBase<FP8QuantizePass> {
  using DscFP8QuantizeBase::DscFP8QuantizeBase;

  void runOnOperation() override;

private:
  /// The recipe the options ask for; errors name the option to fix.
  FailureOr<FP8RecipeAttr> buildRecipe();
  /// Quantizes the linear layers of `owner` that `filter` keeps.
  LogicalResult quantize(ParameterOwnerOpInterface owner, ExcludeFilter &filter,
                         const llvm::StringMap<ParameterOp> &declared);
  /// Fills `owner`'s `linears` region with the layers of `fp8`.
  void buildLinears(ParameterOwnerOpInterface owner,
                    ArrayRef<ParameterSpec> specs,
                    ArrayRef<const ParameterSpec *> fp8);

  FP8RecipeAttr recipeAttr;
};
} // namespace

FailureOr<FP8RecipeAttr> FP8QuantizePass::buildRecipe() {
  ModelOp model = getOperation();
  if (recipe != "deepseek-v3")
    return emitError(model.getLoc())
           << "unknown FP8 recipe '" << recipe
           << "' (option 'recipe'); dsc knows 'deepseek-v3'";
  for (auto [name, value] : {std::pair<StringRef, int64_t>{"act-tile", actTile},
                             {"weight-block", weightBlock},
                             {"promote", promote}})
    if (value <= 0)
      return emitError(model.getLoc())
             << "'" << name << "' must be positive, got " << value;
  std::optional<ScaleFormat> format = symbolizeScaleFormat(scale);
  if (!format)
    return emitError(model.getLoc())
           << "unknown scale format '" << scale
           << "' (option 'scale'); use fp32, or ue8m0 for "
              "power-of-two scales";
  // The scales apply when a partial sum is promoted, so an interval must
  // lie inside one activation tile and one weight block.
  for (auto [name, width] : {std::pair<StringRef, int64_t>{"act-tile", actTile},
                             {"weight-block", weightBlock}})
    if (width % promote != 0)
      return emitError(model.getLoc())
             << "'promote' (" << promote.getValue() << ") must divide '" << name
             << "' (" << width
             << "): partial sums are scaled when promoted, so one interval "
                "cannot span two scales; use promote="
             << std::gcd(std::gcd(actTile.getValue(), weightBlock.getValue()),
                         promote.getValue());
  return FP8RecipeAttr::getDeepSeekV3(&getContext(), actTile, weightBlock,
                                      *format, promote);
}

void FP8QuantizePass::buildLinears(ParameterOwnerOpInterface owner,
                                   ArrayRef<ParameterSpec> specs,
                                   ArrayRef<const ParameterSpec *> fp8) {
  Operation *op = owner;
  Location loc = op->getLoc();
  OpBuilder b(&getContext());
  SmallVector<LinearInput> inputs = getLinearInputs(specs);
  Type element =
      cast<RankedTensorType>(op->getOperand(0).getType()).getElementType();
  auto activation = [&](int64_t width, Type type) {
    return RankedTensorType::get(
        {ShapedType::kDynamic, ShapedType::kDynamic, width}, type);
  };
  Block *body = b.createBlock(owner.getLinearsRegion());
  for (const LinearInput &input : inputs)
    body->addArgument(activation(input.width, element), loc);

  // One quantization per input, and one more of the op's input for the
  // routed experts, which is what the all-to-all dispatches.
  std::map<std::pair<unsigned, bool>, QuantizeOp> quantized;
  SmallVector<Value> outputs;
  for (const ParameterSpec *spec : fp8) {
    unsigned index = llvm::find_if(inputs,
                                   [&](const LinearInput &input) {
                                     return input.name == spec->linearInput;
                                   }) -
                     inputs.begin();
    bool routed = spec->numExperts > 0;
    bool dispatch = routed && spec->linearInput == linear_input::opInput;
    QuantizeOp &quantize = quantized[{index, dispatch}];
    if (!quantize) {
      int64_t width = inputs[index].width;
      quantize = QuantizeOp::create(
          b, loc, activation(width, b.getType<Float8E4M3FNType>()),
          activation(recipeAttr.getActScaleWidth(width), b.getF32Type()),
          body->getArgument(index), recipeAttr.getActTile(),
          dispatch ? recipeAttr.getDispatchScale() : recipeAttr.getScale(),
          dispatch);
    }
    // The linear after attention keeps its input in E5M6 because the
    // attention backward reads it too; a routed expert's down projection
    // returns what the combine sends back, in BF16.
    SavedActivationAttr saved;
    if (spec->linearInput == linear_input::attention)
      saved = SavedActivationAttr::get(&getContext(), SavedActivation::e5m6);
    auto gemm = FP8GemmOp::create(
        b, loc, activation(spec->shape.front(), element),
        quantize.getQuantized(), quantize.getScales(), spec->name, recipeAttr,
        saved, /*combine=*/routed && !dispatch);
    outputs.push_back(gemm.getOutput());
  }
  YieldOp::create(b, loc, outputs);
}

LogicalResult
FP8QuantizePass::quantize(ParameterOwnerOpInterface owner,
                          ExcludeFilter &filter,
                          const llvm::StringMap<ParameterOp> &declared) {
  SmallVector<ParameterSpec> specs;
  owner.getParameterSpecs(specs);
  SmallVector<const ParameterSpec *> fp8;
  for (const ParameterSpec &spec : specs)
    if (spec.isLinear() && !filter.excludes(owner, spec))
      fp8.push_back(&spec);
  if (fp8.empty())
    return success();

  ArrayRef<int64_t> block = recipeAttr.getWeightBlock();
  for (const ParameterSpec *spec : fp8) {
    ParameterOp weight = declared.lookup(spec->name);
    if (!weight)
      return owner->emitOpError("declares the routed experts of '")
             << spec->name
             << "' one by one; dsc-fp8-quantize needs them stacked (one "
                "parameter named with '{e}'), or keep them BF16 with "
                "exclude=routed_experts";
    RankedTensorType type = weight.getTensorType();
    weight.setTypeAttr(TypeAttr::get(RankedTensorType::get(
        type.getShape(), Float8E4M3FNType::get(&getContext()))));
    OpBuilder b(weight);
    b.setInsertionPointAfter(weight);
    ParameterOp::create(
        b, weight.getLoc(), scaleInvName(spec->name),
        RankedTensorType::get(blockScaleShape(type.getShape(), block),
                              b.getF32Type()));
  }
  buildLinears(owner, specs, fp8);
  return success();
}

void FP8QuantizePass::runOnOperation() {
  ModelOp model = getOperation();
  FailureOr<FP8RecipeAttr> built = buildRecipe();
  if (failed(built))
    return signalPassFailure();
  recipeAttr = *built;
  FailureOr<ExcludeFilter> filter = ExcludeFilter::parse(exclude, model);
  if (failed(filter))
    return signalPassFailure();
  if (model.hasFP8Weights()) {
    emitError(model.getLoc())
        << "model @" << model.getSymName()
        << " has FP8 weights already; dsc-fp8-quantize starts "
           "from a BF16 model";
    return signalPassFailure();
  }

  llvm::StringMap<ParameterOp> declared;
  for (auto param : model.getBody().front().getOps<ParameterOp>())
    declared[param.getSymName()] = param;
  SmallVector<ParameterOwnerOpInterface> owners;
  model.walk([&](ParameterOwnerOpInterface owner) {
    if (owner.getLinearsRegion())
      owners.push_back(owner);
  });
  for (ParameterOwnerOpInterface owner : owners)
    if (failed(quantize(owner, *filter, declared)))
      return signalPassFailure();
  for (StringRef entry : filter->unused())
    emitWarning(model.getLoc())
        << "'exclude' entry '" << entry << "' matches no linear layer";
  model.setFp8Attr(recipeAttr);
}
