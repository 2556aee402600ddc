//===- ModelVerifier.cpp - whole-model checks of dsc.model ----------------===//
//
// Checks that need the whole model: hyper-parameters, the block sequence, the
// MTP chain, and every parameter an op reads against its declaration.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscOps.h"
#include "dsc/IR/Parameters.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace dsc;

/// "1 decoder block", "2 decoder blocks".
static std::string counted(int64_t count, StringRef noun) {
  std::string text = std::to_string(count) + " " + noun.str();
  if (count != 1)
    text += noun.ends_with("s") ? "es" : "s";
  return text;
}

/// A shape as `AxBxC`.
static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

namespace {
/// Checks parameter reads against the model's `dsc.parameter` declarations
/// and records which declarations are read. A linear layer's weight may be
/// BF16 or FP8 E4M3 with its `_scale_inv` block scales.
class ParameterChecker {
public:
  explicit ParameterChecker(ModelOp model)
      : model(model), weightBlock(model.getFP8WeightBlock()) {
    for (auto param : model.getBody().front().getOps<ParameterOp>())
      declared[param.getSymName()] = param;
  }

  LogicalResult check(Operation *owner, const ParameterSpec &spec) {
    bool linear = spec.isLinear();
    if (spec.numExperts == 0)
      return checkOne(owner, spec.name, spec.shape, spec.derivation, linear);
    if (declared.lookup(spec.name)) {
      SmallVector<int64_t> shape{spec.numExperts};
      shape.append(spec.shape.begin(), spec.shape.end());
      return checkOne(owner, spec.name, shape,
                      "n_routed_experts x " + spec.derivation, linear);
    }
    if (!declared.lookup(expandExpertName(spec.name, 0)))
      return owner->emitOpError("reads routed-expert parameter '")
             << spec.name << "' which the model declares neither stacked ("
             << "'dsc.parameter @\"" << spec.name << "\" : tensor<"
             << spec.numExperts << "x" << shapeText(spec.shape)
             << "xbf16>') nor per expert ('" << expandExpertName(spec.name, 0)
             << "', ...)";
    for (int64_t e = 0; e < spec.numExperts; ++e)
      if (failed(checkOne(owner, expandExpertName(spec.name, e), spec.shape,
                          spec.derivation, linear)))
        return failure();
    return success();
  }

  /// An owner with a `linears` region runs every FP8 weight of its linear
  /// layers there: a weight stored in FP8 needs an FP8 GEMM.
  LogicalResult checkLinears(ParameterOwnerOpInterface owner,
                             ArrayRef<ParameterSpec> specs) {
    Region *linears = owner.getLinearsRegion();
    if (!linears || linears->empty())
      return success();
    llvm::StringSet<> run;
    for (auto gemm : linears->getOps<FP8GemmOp>())
      run.insert(gemm.getWeight());
    for (const ParameterSpec &spec : specs) {
      ParameterOp param = declared.lookup(spec.name);
      if (spec.isLinear() && param && isFP8(param) && !run.contains(spec.name))
        return owner->emitOpError("weight '")
               << spec.name
               << "' is FP8 but the op's 'linears' region has no "
                  "dsc.fp8_gemm for it; add one or keep the weight BF16";
    }
    return success();
  }

  /// Declarations no op reads: a misspelt name or a leftover weight. The
  /// first in declaration order is reported.
  LogicalResult checkAllRead() {
    for (auto param : model.getBody().front().getOps<ParameterOp>()) {
      if (!read.contains(param))
        return param.emitOpError("'")
               << param.getSymName()
               << "' is not read by any op of the model; remove it or fix "
                  "its name to match the op that should read it";
    }
    return success();
  }

private:
  static bool isFP8(ParameterOp param) {
    return isa<Float8E4M3FNType>(param.getTensorType().getElementType());
  }

  LogicalResult checkOne(Operation *owner, StringRef name,
                         ArrayRef<int64_t> shape, StringRef derivation,
                         bool linear) {
    ParameterOp param = declared.lookup(name);
    if (!param)
      return owner->emitOpError("reads parameter '")
             << name << "' which the model does not declare; add "
             << "'dsc.parameter @\"" << name << "\" : tensor<"
             << shapeText(shape) << "xbf16>'";
    read.insert(param);
    ArrayRef<int64_t> actual = param.getTensorType().getShape();
    if (actual != shape) {
      InFlightDiagnostic diag = owner->emitOpError("parameter '");
      diag << name << "' has shape " << shapeText(actual) << " but "
           << derivation << " = " << shapeText(shape)
           << "; fix the parameter's shape or the hyper-parameters";
      diag.attachNote(param.getLoc()) << "parameter declared here";
      return diag;
    }
    if (linear && isFP8(param))
      return checkScales(owner, param);
    return success();
  }

  /// An FP8 weight binds DeepSeek's `<name>_scale_inv` beside it.
  LogicalResult checkScales(Operation *owner, ParameterOp weight) {
    std::string name = scaleInvName(weight.getSymName());
    SmallVector<int64_t> shape =
        blockScaleShape(weight.getTensorType().getShape(), weightBlock);
    ParameterOp scales = declared.lookup(name);
    if (!scales)
      return owner->emitOpError("FP8 weight '")
             << weight.getSymName()
             << "' needs its block scales; add 'dsc.parameter @\"" << name
             << "\" : tensor<" << shapeText(shape) << "xf32>'";
    read.insert(scales);
    RankedTensorType type = scales.getTensorType();
    if (type.getElementType().isF32() && type.getShape() == ArrayRef(shape))
      return success();
    return owner->emitOpError("block scales '")
           << name << "' must be tensor<" << shapeText(shape)
           << "xf32>: one FP32 scale per " << weightBlock[0] << "x"
           << weightBlock[1] << " block of '" << weight.getSymName()
           << "', got " << type;
  }

  ModelOp model;
  SmallVector<int64_t, 2> weightBlock;
  llvm::StringMap<ParameterOp> declared;
  llvm::DenseSet<Operation *> read;
};
} // namespace

static LogicalResult verifyHyperParameters(ModelOp model) {
  auto positive = [&](StringRef name, int64_t value) -> LogicalResult {
    if (value > 0)
      return success();
    return model.emitOpError("'")
           << name << "' must be positive, got " << value;
  };
  if (failed(positive("vocab_size", model.getVocabSize())) ||
      failed(positive("hidden_size", model.getHiddenSize())) ||
      failed(positive("num_hidden_layers", model.getNumHiddenLayers())) ||
      failed(positive("max_position_embeddings",
                      model.getMaxPositionEmbeddings())))
    return failure();
  int64_t layers = model.getNumHiddenLayers();
  int64_t dense = model.getFirstKDenseReplace();
  if (dense < 0 || dense > layers)
    return model.emitOpError("'first_k_dense_replace' (")
           << dense << ") must be between 0 and 'num_hidden_layers' (" << layers
           << ")";
  if (model.getMoeLayerFreq() < 0)
    return model.emitOpError("'moe_layer_freq' must not be negative, got ")
           << model.getMoeLayerFreq() << " (0 means no MoE layers)";
  if (model.getNumNextnPredictLayers() < 0)
    return model.emitOpError("'num_nextn_predict_layers' must not be negative");
  if (!(model.getRmsNormEps().convertToDouble() > 0))
    return model.emitOpError("'rms_norm_eps' must be positive");
  return success();
}

/// A block's index, hidden size and FFN kind must match the model.
static LogicalResult verifyBlock(ModelOp model, BlockOp block,
                                 int64_t expectedIndex) {
  if (block.getIndex() != expectedIndex)
    return block.emitOpError("has index ")
           << block.getIndex() << " but is decoder layer " << expectedIndex
           << " of the model; blocks must be numbered 0, 1, ... in order";
  auto type = cast<RankedTensorType>(block.getInput().getType());
  if (type.getDimSize(2) != model.getHiddenSize())
    return block.emitOpError("works on hidden size ")
           << type.getDimSize(2) << " but the model's hidden_size is "
           << model.getHiddenSize();
  bool wantMoE = model.isMoELayer(expectedIndex);
  if (block.isMoE() != wantMoE)
    return block.emitOpError("uses ")
           << (block.isMoE() ? "an MoE" : "a dense MLP") << " but layer "
           << expectedIndex << " should use "
           << (wantMoE ? "an MoE" : "a dense MLP")
           << " (first_k_dense_replace = " << model.getFirstKDenseReplace()
           << ", moe_layer_freq = " << model.getMoeLayerFreq() << ")";
  return success();
}

LogicalResult ModelOp::verifyRegions() {
  if (failed(verifyHyperParameters(*this)))
    return failure();

  Block &body = getBody().front();
  if (body.getNumArguments() != 2 ||
      !llvm::all_of(body.getArgumentTypes(), isTokenType))
    return emitOpError("body must take two token tensors (input ids and "
                       "labels), e.g. '^bb0(%ids: tensor<?x?xi32>, %labels: "
                       "tensor<?x?xi32>)'");

  SmallVector<BlockOp> blocks = getBlocks();
  int64_t layers = getNumHiddenLayers();
  if (static_cast<int64_t>(blocks.size()) != layers)
    return emitOpError("has ") << counted(blocks.size(), "decoder block")
                               << " but 'num_hidden_layers' is " << layers;
  for (auto [index, block] : llvm::enumerate(blocks))
    if (failed(verifyBlock(*this, block, index)))
      return failure();

  SmallVector<MTPOp> mtps = getMTPModules();
  if (static_cast<int64_t>(mtps.size()) != getNumNextnPredictLayers())
    return emitOpError("has ") << counted(mtps.size(), "MTP module")
                               << " but 'num_nextn_predict_layers' is "
                               << getNumNextnPredictLayers();
  if (!mtps.empty() && mtps.front().getHidden() != blocks.back().getOutput())
    return mtps.front().emitOpError(
               "at depth 1 must take the output of the main model's last "
               "block (layer ")
           << layers - 1 << ") as its hidden input";
  for (auto [i, mtp] : llvm::enumerate(mtps)) {
    int64_t depth = i + 1;
    if (mtp.getDepth() != depth)
      return mtp.emitOpError("has depth ")
             << mtp.getDepth() << " but is MTP module " << depth
             << "; depths must be 1, 2, ... in order";
    // The checkpoint stores MTP module k as layer num_layers + k - 1.
    if (failed(verifyBlock(*this, mtp.getBlock(), layers + depth - 1)))
      return failure();
  }

  for (auto loss : body.getOps<CrossEntropyOp>())
    if (static_cast<int64_t>(loss.getMtpLogits().size()) !=
        getNumNextnPredictLayers())
      return loss.emitOpError("averages ")
             << counted(loss.getMtpLogits().size(), "MTP loss")
             << " but the model has "
             << counted(getNumNextnPredictLayers(), "MTP module");

  ParameterChecker checker(*this);
  SmallVector<ParameterSpec> specs;
  WalkResult result = walk([&](ParameterOwnerOpInterface owner) {
    specs.clear();
    owner.getParameterSpecs(specs);
    for (const ParameterSpec &spec : specs)
      if (failed(checker.check(owner, spec)))
        return WalkResult::interrupt();
    if (failed(checker.checkLinears(owner, specs)))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return checker.checkAllRead();
}
