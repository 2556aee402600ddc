//===- ImportModel.cpp - build the dsc dialect from a config --------------===//
//
// Builds the computation first and then declares exactly the parameters the
// ops say they read (ParameterOwnerOpInterface), so the importer and the
// verifier share one definition of every weight's name and shape.
//
//===----------------------------------------------------------------------===//

#include "dsc/Import/ImportModel.h"
#include "dsc/IR/DscOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace dsc;

namespace {
class ModelBuilder {
public:
  ModelBuilder(const ModelConfig &config, MLIRContext *context,
               const ImportOptions &options)
      : config(config), options(options), b(context) {
    Type element = config.torchDtype == "float32"   ? b.getF32Type()
                   : config.torchDtype == "float16" ? b.getF16Type()
                                                    : b.getBF16Type();
    weightType = element;
    int64_t dyn = ShapedType::kDynamic;
    activationType =
        RankedTensorType::get({dyn, dyn, config.hiddenSize}, element);
    logitsType =
        RankedTensorType::get({dyn, dyn, config.vocabSize}, b.getF32Type());
    tokenType = RankedTensorType::get({dyn, dyn}, b.getI32Type());
  }

  OwningOpRef<ModuleOp> build();

private:
  /// The config file position of `key` (of `model_type` if it is absent).
  Location keyLoc(StringRef key) {
    auto line = config.keyLines.find(key);
    if (line == config.keyLines.end())
      line = config.keyLines.find("model_type");
    unsigned lineNo = line == config.keyLines.end() ? 1 : line->second;
    return FileLineColLoc::get(b.getContext(), config.fileName, lineNo, 1);
  }

  static std::string layerScope(int64_t index) {
    return "model.layers." + std::to_string(index);
  }

  MLAAttr buildMLAConfig();
  MoEAttr buildMoEConfig();
  Value buildBlock(int64_t index, Value input);
  Value buildMTP(int64_t depth, Value hidden, Value embeddings);
  void declareParameters(ModelOp model);

  const ModelConfig &config;
  const ImportOptions &options;
  OpBuilder b;
  Type weightType;
  RankedTensorType activationType, logitsType, tokenType;
  MLAAttr mla;
  MoEAttr moe;
};
} // namespace

// The attributes are built with getChecked so that an inconsistent config
// is reported by the attribute verifiers, at the key's line in the file.

MLAAttr ModelBuilder::buildMLAConfig() {
  MLIRContext *ctx = b.getContext();
  YarnAttr yarn;
  if (const std::optional<YarnConfig> &y = config.yarn) {
    yarn = YarnAttr::getChecked(
        [&] { return emitError(keyLoc("rope_scaling")); }, ctx,
        APFloat(y->factor), y->originalMaxPositionEmbeddings,
        APFloat(y->betaFast), APFloat(y->betaSlow), APFloat(y->mscale),
        APFloat(y->mscaleAllDim));
    if (!yarn)
      return {};
  }
  auto rope =
      RopeAttr::getChecked([&] { return emitError(keyLoc("rope_theta")); }, ctx,
                           APFloat(config.ropeTheta), yarn);
  if (!rope)
    return {};
  return MLAAttr::getChecked(
      [&] { return emitError(keyLoc("kv_lora_rank")); }, ctx,
      config.numAttentionHeads, config.qLoraRank, config.kvLoraRank,
      config.qkNopeHeadDim, config.qkRopeHeadDim, config.vHeadDim,
      APFloat(MLAAttr::getDefaultSoftmaxScale(
          config.qkNopeHeadDim + config.qkRopeHeadDim, yarn)),
      rope);
}

MoEAttr ModelBuilder::buildMoEConfig() {
  auto scoring = symbolizeScoringFunc(config.scoringFunc);
  auto method = symbolizeTopkMethod(config.topkMethod);
  bool balancing = method == TopkMethod::noaux_tc;
  return MoEAttr::getChecked(
      [&] { return emitError(keyLoc("n_routed_experts")); }, b.getContext(),
      config.nRoutedExperts, config.nSharedExperts, config.numExpertsPerTok,
      config.moeIntermediateSize, *scoring, *method, config.nGroup,
      config.topkGroup, APFloat(config.routedScalingFactor),
      config.normTopkProb, balancing,
      APFloat(balancing ? options.biasUpdateRate : 0.0),
      APFloat(config.auxLossAlpha));
}

/// Fills `region` with one block taking `argType` and leaves the builder at
/// its end.
static Block *createBody(OpBuilder &b, Region &region, Type argType,
                         Location loc) {
  Block *block = b.createBlock(&region);
  block->addArgument(argType, loc);
  return block;
}

Value ModelBuilder::buildBlock(int64_t index, Value input) {
  Location loc = keyLoc("num_hidden_layers");
  std::string scope = layerScope(index);
  auto block = BlockOp::create(b, loc, b.getI64IntegerAttr(index), input);
  OpBuilder::InsertionGuard guard(b);
  Value x = createBody(b, block.getBody(), activationType, loc)->getArgument(0);

  Value norm1 = RMSNormOp::create(b, loc, activationType,
                                  scope + ".input_layernorm", x, FloatAttr());
  Value attn = MLAOp::create(b, keyLoc("kv_lora_rank"), activationType,
                             scope + ".self_attn", norm1, mla);
  Value residual = AddOp::create(b, loc, x, attn);
  Value norm2 = RMSNormOp::create(b, loc, activationType,
                                  scope + ".post_attention_layernorm", residual,
                                  FloatAttr());
  Value ffn;
  if (config.isMoELayer(index))
    ffn = MoEOp::create(b, keyLoc("n_routed_experts"), activationType,
                        scope + ".mlp", norm2, moe,
                        /*placement=*/ExpertPlacementAttr());
  else
    ffn = MLPOp::create(b, keyLoc("intermediate_size"), activationType,
                        scope + ".mlp", norm2, config.intermediateSize);
  Value output = AddOp::create(b, loc, residual, ffn);
  YieldOp::create(b, loc, output);
  return block.getOutput();
}

Value ModelBuilder::buildMTP(int64_t depth, Value hidden, Value embeddings) {
  Location loc = keyLoc("num_nextn_predict_layers");
  // The checkpoint stores MTP module k as layer num_hidden_layers + k - 1.
  int64_t layer = config.numHiddenLayers + depth - 1;
  auto mtp =
      MTPOp::create(b, loc, b.getI64IntegerAttr(depth),
                    b.getStringAttr(layerScope(layer)), hidden, embeddings);
  OpBuilder::InsertionGuard guard(b);
  Value x = createBody(b, mtp.getBody(), activationType, loc)->getArgument(0);
  YieldOp::create(b, loc, buildBlock(layer, x));
  return mtp.getOutput();
}

void ModelBuilder::declareParameters(ModelOp model) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&model.getBody().front());
  SmallVector<ParameterSpec> specs;
  llvm::StringSet<> declared;
  model.walk<WalkOrder::PreOrder>([&](ParameterOwnerOpInterface owner) {
    specs.clear();
    owner.getParameterSpecs(specs);
    for (const ParameterSpec &spec : specs) {
      if (!declared.insert(spec.name).second)
        continue; // shared, e.g. the output head used by the MTP modules
      SmallVector<int64_t> shape;
      if (spec.numExperts)
        shape.push_back(spec.numExperts);
      shape.append(spec.shape.begin(), spec.shape.end());
      // The checkpoint keeps the routing bias in FP32.
      Type element = StringRef(spec.name).ends_with("e_score_correction_bias")
                         ? b.getF32Type()
                         : weightType;
      ParameterOp::create(b, owner->getLoc(), spec.name,
                          RankedTensorType::get(shape, element));
    }
  });
}

OwningOpRef<ModuleOp> ModelBuilder::build() {
  Location loc = keyLoc("model_type");
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());
  mla = buildMLAConfig();
  if (!mla)
    return nullptr;
  if (config.nRoutedExperts > 0 && !(moe = buildMoEConfig()))
    return nullptr;

  std::string name =
      options.modelName.empty() ? config.modelType : options.modelName;
  auto model = ModelOp::create(
      b, loc, b.getStringAttr(name), b.getI64IntegerAttr(config.vocabSize),
      b.getI64IntegerAttr(config.hiddenSize),
      b.getI64IntegerAttr(config.numHiddenLayers),
      b.getI64IntegerAttr(config.firstKDenseReplace),
      // 0: no MoE layers (a config without routed experts).
      b.getI64IntegerAttr(config.nRoutedExperts > 0 ? config.moeLayerFreq : 0),
      b.getI64IntegerAttr(config.numNextnPredictLayers),
      b.getI64IntegerAttr(config.maxPositionEmbeddings),
      b.getF64FloatAttr(config.rmsNormEps), /*fp8=*/nullptr);
  Block *body = b.createBlock(&model.getBody());
  Value ids = body->addArgument(tokenType, loc);
  Value labels = body->addArgument(tokenType, loc);

  Value embeddings =
      EmbeddingOp::create(b, loc, activationType, "model.embed_tokens", ids);
  Value hidden = embeddings;
  for (int64_t i = 0; i < config.numHiddenLayers; ++i)
    hidden = buildBlock(i, hidden);
  Value norm = RMSNormOp::create(b, loc, activationType, "model.norm", hidden,
                                 FloatAttr());
  Value logits = LMHeadOp::create(b, loc, logitsType, "lm_head", norm);

  SmallVector<Value> mtpLogits;
  Value previous = hidden;
  for (int64_t depth = 1; depth <= config.numNextnPredictLayers; ++depth) {
    previous = buildMTP(depth, previous, embeddings);
    std::string scope = layerScope(config.numHiddenLayers + depth - 1);
    Value mtpNorm =
        RMSNormOp::create(b, loc, activationType, scope + ".shared_head.norm",
                          previous, FloatAttr());
    mtpLogits.push_back(
        LMHeadOp::create(b, loc, logitsType, "lm_head", mtpNorm));
  }
  FloatAttr mtpWeight;
  if (!mtpLogits.empty())
    mtpWeight = b.getF64FloatAttr(options.mtpLossWeight);
  Value loss =
      CrossEntropyOp::create(b, loc, RankedTensorType::get({}, b.getF32Type()),
                             logits, labels, mtpLogits, mtpWeight);
  YieldOp::create(b, loc, ValueRange{logits, loss});

  declareParameters(model);
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> dsc::importModel(const ModelConfig &config,
                                       MLIRContext *context,
                                       const ImportOptions &options) {
  context->getOrLoadDialect<DscDialect>();
  return ModelBuilder(config, context, options).build();
}
