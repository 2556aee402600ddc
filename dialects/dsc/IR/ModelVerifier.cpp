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

using namespace mlir;
using namespace dsc;

/// A shape as `AxBxC`.
static std::string shapeText(ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, "x");
  return text;
}

namespace {
/// Checks parameter reads against the model's `dsc.parameter` declarations
/// and records which declarations are read.
class ParameterChecker {
public:
  explicit ParameterChecker(ModelOp model) {
    for (auto param : model.getBody().front().getOps<ParameterOp>())
      declared[param.getSymName()] = param;
  }

  LogicalResult check(Operation *owner, const ParameterSpec &spec) {
    if (spec.numExperts == 0)
      return checkOne(owner, spec.name, spec.shape, spec);
    if (ParameterOp stacked = declared.lookup(spec.name)) {
      SmallVector<int64_t> shape{spec.numExperts};
      shape.append(spec.shape.begin(), spec.shape.end());
      return checkOne(owner, spec.name, shape, spec);
    }
    if (!declared.lookup(expandExpertName(spec.name, 0)))
      return owner->emitOpError("reads routed-expert parameter '")
             << spec.name << "' which the model declares neither stacked ("
             << "'dsc.parameter @\"" << spec.name << "\" : tensor<"
             << spec.numExperts << "x" << shapeText(spec.shape)
             << "x...>') nor per expert ('" << expandExpertName(spec.name, 0)
             << "', ...)";
    for (int64_t e = 0; e < spec.numExperts; ++e)
      if (failed(checkOne(owner, expandExpertName(spec.name, e), spec.shape,
                          spec)))
        return failure();
    return success();
  }

  /// Declarations no op reads: a misspelt name or a leftover weight.
  LogicalResult checkAllRead() {
    for (auto &entry : declared) {
      ParameterOp param = entry.second;
      if (!read.contains(param))
        return param.emitOpError("'")
               << param.getSymName()
               << "' is not read by any op of the model; remove it or fix "
                  "its name to match the op that should read it";
    }
    return success();
  }

private:
  LogicalResult checkOne(Operation *owner, StringRef name,
                         ArrayRef<int64_t> shape, const ParameterSpec &spec) {
    ParameterOp param = declared.lookup(name);
    if (!param)
      return owner->emitOpError("reads parameter '")
             << name << "' which the model does not declare; add "
             << "'dsc.parameter @\"" << name << "\" : tensor<"
             << shapeText(shape) << "xbf16>'";
    read.insert(param);
    ArrayRef<int64_t> actual = param.getTensorType().getShape();
    if (actual == shape)
      return success();
    InFlightDiagnostic diag = owner->emitOpError("parameter '");
    diag << name << "' has shape " << shapeText(actual) << " but "
         << (spec.numExperts ? "n_routed_experts x " : "") << spec.derivation
         << " = " << shapeText(shape)
         << "; fix the parameter's shape or the hyper-parameters";
    diag.attachNote(param.getLoc()) << "parameter declared here";
    return diag;
  }

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
      failed(positive("moe_layer_freq", model.getMoeLayerFreq())) ||
      failed(positive("max_position_embeddings",
                      model.getMaxPositionEmbeddings())))
    return failure();
  int64_t layers = model.getNumHiddenLayers();
  int64_t dense = model.getFirstKDenseReplace();
  if (dense < 0 || dense > layers)
    return model.emitOpError("'first_k_dense_replace' (")
           << dense << ") must be between 0 and 'num_hidden_layers' (" << layers
           << ")";
  if (static_cast<int64_t>(model.getNumNextnPredictLayers()) < 0)
    return model.emitOpError("'num_nextn_predict_layers' must not be negative");
  if (!(model.getRmsNormEps().convertToDouble() > 0))
    return model.emitOpError("'rms_norm_eps' must be positive");
  return success();
}

/// A block's index, hidden size and FFN kind must match the model.
static LogicalResult verifyBlock(ModelOp model, BlockOp block,
                                 int64_t expectedIndex) {
  if (static_cast<int64_t>(block.getIndex()) != expectedIndex)
    return block.emitOpError("has index ")
           << block.getIndex() << " but is decoder layer " << expectedIndex
           << " of the model; blocks must be numbered 0, 1, ... in order";
  auto type = cast<RankedTensorType>(block.getInput().getType());
  if (type.getDimSize(2) != static_cast<int64_t>(model.getHiddenSize()))
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
  if (body.empty() || !isa<YieldOp>(body.back()))
    return emitOpError("body must end with 'dsc.yield'");

  SmallVector<BlockOp> blocks = getBlocks();
  int64_t layers = getNumHiddenLayers();
  if (static_cast<int64_t>(blocks.size()) != layers)
    return emitOpError("has ")
           << blocks.size() << " decoder blocks but 'num_hidden_layers' is "
           << layers;
  for (auto [index, block] : llvm::enumerate(blocks))
    if (failed(verifyBlock(*this, block, index)))
      return failure();

  SmallVector<MTPOp> mtps = getMTPModules();
  if (static_cast<int64_t>(mtps.size()) !=
      static_cast<int64_t>(getNumNextnPredictLayers()))
    return emitOpError("has ")
           << mtps.size() << " MTP modules but 'num_nextn_predict_layers' is "
           << getNumNextnPredictLayers();
  for (auto [i, mtp] : llvm::enumerate(mtps)) {
    int64_t depth = i + 1;
    if (static_cast<int64_t>(mtp.getDepth()) != depth)
      return mtp.emitOpError("has depth ")
             << mtp.getDepth() << " but is MTP module " << depth
             << "; depths must be 1, 2, ... in order";
    // The checkpoint stores MTP module k as layer num_layers + k - 1.
    if (failed(verifyBlock(*this, mtp.getBlock(), layers + depth - 1)))
      return failure();
  }

  for (auto loss : body.getOps<CrossEntropyOp>())
    if (static_cast<int64_t>(loss.getMtpLogits().size()) !=
        static_cast<int64_t>(getNumNextnPredictLayers()))
      return loss.emitOpError("averages ")
             << loss.getMtpLogits().size() << " MTP losses but the model has "
             << getNumNextnPredictLayers() << " MTP modules";

  ParameterChecker checker(*this);
  SmallVector<ParameterSpec> specs;
  WalkResult result = walk([&](ParameterOwnerOpInterface owner) {
    specs.clear();
    owner.getParameterSpecs(specs);
    for (const ParameterSpec &spec : specs)
      if (failed(checker.check(owner, spec)))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (result.wasInterrupted())
    return failure();
  return checker.checkAllRead();
}
