//===- DscOps.cpp - dsc model-level ops -----------------------------------===//
//
// Op verifiers and the parameters each op reads. Cross-op checks (block
// count, parameter shapes against declarations) live in ModelVerifier.cpp.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscOps.h"
#include "dsc/IR/Parameters.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/Twine.h"

#include <limits>

using namespace mlir;
using namespace dsc;

#define GET_OP_CLASSES
#include "dsc/IR/DscOps.cpp.inc"

/// Appends `<scope>.<leaf>` with its expected shape.
static ParameterSpec &addSpec(SmallVectorImpl<ParameterSpec> &specs,
                              StringRef scope, StringRef leaf,
                              ArrayRef<int64_t> shape, StringRef derivation,
                              int64_t numExperts = 0) {
  ParameterSpec spec;
  spec.name = (scope + "." + leaf).str();
  spec.shape.assign(shape.begin(), shape.end());
  spec.numExperts = numExperts;
  spec.derivation = derivation.str();
  specs.push_back(std::move(spec));
  return specs.back();
}

/// The three projections of a SwiGLU MLP of `width` under `scope`; the down
/// projection reads the SwiGLU output, named `hiddenInput`.
static void addSwiGLUSpecs(SmallVectorImpl<ParameterSpec> &specs,
                           StringRef scope, int64_t hidden, int64_t width,
                           StringRef widthName, StringRef hiddenInput,
                           int64_t numExperts = 0) {
  std::string in = (widthName + " x hidden_size").str();
  std::string out = ("hidden_size x " + widthName).str();
  addSpec(specs, scope, "gate_proj.weight", {width, hidden}, in, numExperts)
      .linearInput = linear_input::opInput;
  addSpec(specs, scope, "up_proj.weight", {width, hidden}, in, numExperts)
      .linearInput = linear_input::opInput;
  addSpec(specs, scope, "down_proj.weight", {hidden, width}, out, numExperts)
      .linearInput = hiddenInput;
}

/// Names the block arguments of `owner`'s `linears` region after the
/// inputs of its linear layers.
static void nameLinearInputs(ParameterOwnerOpInterface owner, Region &region,
                             OpAsmSetValueNameFn setNameFn) {
  if (region.empty())
    return;
  SmallVector<ParameterSpec> specs;
  owner.getParameterSpecs(specs);
  SmallVector<LinearInput> inputs = getLinearInputs(specs);
  if (inputs.size() != region.getNumArguments())
    return;
  for (auto [input, arg] : llvm::zip(inputs, region.getArguments()))
    setNameFn(arg, input.name);
}

//===----------------------------------------------------------------------===//
// ModelOp
//===----------------------------------------------------------------------===//

bool ModelOp::isMoELayer(int64_t index) {
  return getMoeLayerFreq() > 0 && index >= getFirstKDenseReplace() &&
         index % getMoeLayerFreq() == 0;
}

void ModelOp::getAsmBlockArgumentNames(Region &region,
                                       OpAsmSetValueNameFn setNameFn) {
  if (region.empty() || region.getNumArguments() != 2)
    return;
  setNameFn(region.getArgument(0), "input_ids");
  setNameFn(region.getArgument(1), "labels");
}

SmallVector<BlockOp> ModelOp::getBlocks() {
  return llvm::to_vector(getBody().front().getOps<BlockOp>());
}

SmallVector<MTPOp> ModelOp::getMTPModules() {
  return llvm::to_vector(getBody().front().getOps<MTPOp>());
}

bool ModelOp::hasFP8Weights() {
  return llvm::any_of(
      getBody().front().getOps<ParameterOp>(), [](ParameterOp param) {
        return isa<Float8E4M3FNType>(param.getTensorType().getElementType());
      });
}

SmallVector<int64_t, 2> ModelOp::getFP8WeightBlock() {
  if (std::optional<FP8RecipeAttr> recipe = getFp8())
    return SmallVector<int64_t, 2>(recipe->getWeightBlock());
  return {FP8RecipeAttr::kDeepSeekV3Tile, FP8RecipeAttr::kDeepSeekV3Tile};
}

//===----------------------------------------------------------------------===//
// ClusterOp
//===----------------------------------------------------------------------===//

LogicalResult ClusterOp::verify() {
  if (getNodes() < 1 || getGpusPerNode() < 1)
    return emitOpError("needs at least one node and one GPU per node, got ")
           << getNodes() << " nodes of " << getGpusPerNode() << " GPUs";
  int64_t sms = getGpu().getSms();
  if (getCommSms() < 0 || getCommSms() >= sms)
    return emitOpError("'comm_sms' (")
           << getCommSms() << ") must be from 0 to " << sms - 1
           << ": the GPU has " << sms << " SMs and needs some to compute";
  return success();
}

//===----------------------------------------------------------------------===//
// MeshOp
//===----------------------------------------------------------------------===//

LogicalResult MeshOp::verify() {
  for (auto [name, size] : {std::pair<StringRef, int64_t>{"pp", getPp()},
                            {"dp", getDp()},
                            {"ep", getEp()}})
    if (size < 1)
      return emitOpError("axis '")
             << name << "' must be positive, got " << size;
  if (getDp() % getEp() != 0)
    return emitOpError("'ep' (")
           << getEp() << ") must divide 'dp' (" << getDp()
           << "): ep is a sub-axis of dp, each pipeline rank's " << getDp()
           << " replicas holding its experts in ep-way shards";
  return success();
}

LogicalResult MeshOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto cluster =
      symbols.lookupNearestSymbolFrom<ClusterOp>(*this, getClusterAttr());
  if (!cluster)
    return emitOpError("'cluster' ")
           << getClusterAttr() << " does not name a 'dsc.cluster'";
  int64_t gpus = cluster.getNumGPUs();
  if (getPp() > gpus)
    return emitOpError("has pp ")
           << getPp() << " pipeline ranks but cluster @" << cluster.getSymName()
           << " has " << gpus << " GPUs; use a pp of at most " << gpus;
  if (getNumRanks() != gpus)
    return emitOpError("has pp * dp = ")
           << getPp() << " * " << getDp() << " = " << getNumRanks()
           << " ranks but cluster @" << cluster.getSymName() << " has " << gpus
           << " GPUs; choose dp = " << std::max<int64_t>(gpus / getPp(), 1)
           << (gpus % getPp() ? " (and a pp that divides the GPU count)" : "");
  return success();
}

//===----------------------------------------------------------------------===//
// RunOp
//===----------------------------------------------------------------------===//

LogicalResult RunOp::verify() {
  auto positive = [&](StringRef name, int64_t value) -> LogicalResult {
    if (value > 0)
      return success();
    return emitOpError("'") << name << "' must be positive, got " << value;
  };
  if (failed(positive("seq_len", getSeqLen())) ||
      failed(positive("micro_batch", getMicroBatch())) ||
      failed(positive("micro_batches", getMicroBatches())))
    return failure();
  // Token indices are 32-bit in plans and kernels; the bound also keeps
  // every size derived from tokens (activations, arenas) from overflowing.
  constexpr int64_t kMaxTokens = std::numeric_limits<int32_t>::max();
  if (getSeqLen() > kMaxTokens || getMicroBatch() > kMaxTokens / getSeqLen())
    return emitOpError("'seq_len' x 'micro_batch' (")
           << getSeqLen() << " x " << getMicroBatch() << ") exceeds the "
           << kMaxTokens
           << " tokens a micro-batch can hold; use a smaller micro-batch";
  if (getSchedule() != ScheduleKind::one_f_one_b &&
      getMode() != RunMode::training)
    return emitOpError("schedule ")
           << stringifyScheduleKind(getSchedule())
           << " interleaves forward and backward passes of training; use "
              "schedule one_f_one_b for inference";
  if (getZero() != 0 && getZero() != 1)
    return emitOpError("'zero' must be 0 (no sharding) or 1 (optimizer "
                       "states sharded over dp), got ")
           << getZero();
  if (std::optional<int64_t> virtualStages = getVirtualStages()) {
    if (getSchedule() != ScheduleKind::interleaved_1f1b)
      return emitOpError("'virtual_stages' applies only to schedule "
                         "interleaved_1f1b; drop it for ")
             << stringifyScheduleKind(getSchedule());
    if (*virtualStages < 2)
      return emitOpError("'virtual_stages' must be at least 2 (model chunks "
                         "per pipeline rank), got ")
             << *virtualStages;
  }
  return success();
}

MeshOp RunOp::getMeshOp() {
  return SymbolTable::lookupNearestSymbolFrom<MeshOp>(*this, getMeshAttr());
}

ModelOp RunOp::getModelOp() {
  return SymbolTable::lookupNearestSymbolFrom<ModelOp>(*this, getModelAttr());
}

LogicalResult RunOp::verifyLayout(PipelineLayoutAttr layout, ModelOp model) {
  int64_t blocks = 0, mtp = 0;
  for (auto [b, m] : llvm::zip(layout.getBlocks(), layout.getMtp())) {
    blocks += b;
    mtp += m;
  }
  if (blocks != model.getNumHiddenLayers() ||
      mtp != model.getNumNextnPredictLayers())
    return emitOpError("layout \"")
           << layout.toMegatron() << "\" places " << blocks
           << " decoder blocks and " << mtp << " MTP modules but @"
           << model.getSymName() << " has " << model.getNumHiddenLayers()
           << " and " << model.getNumNextnPredictLayers();
  return success();
}

LogicalResult RunOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto model = symbols.lookupNearestSymbolFrom<ModelOp>(*this, getModelAttr());
  if (!model)
    return emitOpError("'model' ")
           << getModelAttr() << " does not name a 'dsc.model'";
  auto mesh = symbols.lookupNearestSymbolFrom<MeshOp>(*this, getMeshAttr());
  if (!mesh)
    return emitOpError("'mesh' ")
           << getMeshAttr() << " does not name a 'dsc.mesh'";

  // The model's weights and FP8 recipe fix the precision the run trains in.
  if (getRecipe() == Precision::bf16 && model.hasFP8Weights())
    return emitOpError("'recipe' is bf16 but @")
           << model.getSymName()
           << " has FP8 weights (dsc-fp8-quantize); use recipe fp8";
  if (std::optional<FP8RecipeAttr> fp8 = model.getFp8()) {
    MomentType moments =
        fp8->getMoments().isF32() ? MomentType::fp32 : MomentType::bf16;
    if (getMoments() != moments)
      return emitOpError("'moments' (")
             << stringifyMomentType(getMoments()) << ") differs from the "
             << stringifyMomentType(moments) << " AdamW moments of @"
             << model.getSymName() << "'s FP8 recipe";
  }
  if (std::optional<PipelineLayoutAttr> layout = getLayout())
    if (failed(verifyLayout(*layout, model)))
      return failure();

  int64_t ep = mesh.getEp();
  SmallVector<MoEOp> moes;
  model.walk([&](MoEOp moe) { moes.push_back(moe); });
  for (MoEOp moe : moes) {
    // A placement fixes the expert-parallel group; without one, ep must
    // split the experts evenly.
    if (std::optional<ExpertPlacementAttr> placement = moe.getPlacement()) {
      if (placement->getGpus() != ep)
        return emitOpError("mesh @")
               << mesh.getSymName() << "'s 'ep' (" << ep
               << ") differs from the " << placement->getGpus()
               << " GPUs the experts of " << moe.getScope()
               << " are placed on; rerun dsc-expert-placement with ep=" << ep;
      continue;
    }
    int64_t experts = moe.getConfig().getNRoutedExperts();
    if (experts % ep != 0)
      return emitOpError("mesh @")
             << mesh.getSymName() << "'s 'ep' (" << ep
             << ") must divide the model's " << experts
             << " routed experts so every GPU holds the same number";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// ParameterOp
//===----------------------------------------------------------------------===//

bool ParameterOp::isStackedExperts() { return isExpertTemplate(getSymName()); }

LogicalResult ParameterOp::verify() {
  StringRef name = getSymName();
  if (name.empty())
    return emitOpError("needs a checkpoint tensor name");
  if (!isStackedExperts())
    return success();
  if (name.count(kExpertIndexMarker) != 1)
    return emitOpError("name '")
           << name << "' must contain '" << kExpertIndexMarker
           << "' exactly once (it stands for the routed-expert index)";
  if (getTensorType().getRank() < 2)
    return emitOpError("is a stacked routed-expert parameter ('")
           << kExpertIndexMarker
           << "' in its name) and needs the expert count as an extra "
              "leading dimension";
  return success();
}

//===----------------------------------------------------------------------===//
// BlockOp
//===----------------------------------------------------------------------===//

Operation *BlockOp::getFeedForward() {
  for (Operation &op : getBody().front())
    if (isa<MLPOp, MoEOp>(op))
      return &op;
  return nullptr;
}

void BlockOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getOutput(), ("layer" + Twine(getIndex())).str());
}

void BlockOp::getAsmBlockArgumentNames(Region &region,
                                       OpAsmSetValueNameFn setNameFn) {
  if (!region.empty() && region.getNumArguments() == 1)
    setNameFn(region.getArgument(0), "h");
}

bool BlockOp::isMoE() { return isa_and_nonnull<MoEOp>(getFeedForward()); }

/// A body of one block whose single argument has `type` and whose `dsc.yield`
/// returns one value of `type`.
static LogicalResult verifySingleValueBody(Operation *op, Region &body,
                                           Type type, StringRef what) {
  Block &block = body.front();
  if (block.getNumArguments() != 1 || block.getArgument(0).getType() != type)
    return op->emitOpError("body must take one argument of type ")
           << type << " (" << what << ")";
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || yield.getValues().size() != 1 ||
      yield.getValues()[0].getType() != type)
    return op->emitOpError("body must end with 'dsc.yield' of one value of "
                           "type ")
           << type;
  return success();
}

LogicalResult BlockOp::verifyRegions() {
  if (failed(verifySingleValueBody(*this, getBody(), getInput().getType(),
                                   "the block input")))
    return failure();
  int attention = 0, feedForward = 0;
  for (Operation &op : getBody().front()) {
    attention += isa<MLAOp>(op);
    feedForward += isa<MLPOp, MoEOp>(op);
  }
  if (attention != 1 || feedForward != 1)
    return emitOpError("must contain exactly one 'dsc.mla' and one 'dsc.mlp' "
                       "or 'dsc.moe'; found ")
           << attention << " attention and " << feedForward
           << " feed-forward ops";
  return success();
}

//===----------------------------------------------------------------------===//
// MTPOp
//===----------------------------------------------------------------------===//

BlockOp MTPOp::getBlock() {
  auto blocks = getBody().front().getOps<BlockOp>();
  return blocks.empty() ? BlockOp() : *blocks.begin();
}

void MTPOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getOutput(), ("mtp" + Twine(getDepth())).str());
}

void MTPOp::getAsmBlockArgumentNames(Region &region,
                                     OpAsmSetValueNameFn setNameFn) {
  if (&region == &getLinears())
    return nameLinearInputs(*this, region, setNameFn);
  if (!region.empty() && region.getNumArguments() == 1)
    setNameFn(region.getArgument(0), "projected");
}

LogicalResult MTPOp::verify() {
  if (!isa<ModelOp>((*this)->getParentOp()))
    return emitOpError("must be directly in the body of a 'dsc.model', "
                       "after the main model's blocks: an MTP module predicts "
                       "extra tokens from the main model's hidden state");
  if (getDepth() < 1)
    return emitOpError("depth must be at least 1, got ") << getDepth();
  Operation *hiddenDef = getHidden().getDefiningOp();
  if (getDepth() == 1 && !isa_and_nonnull<BlockOp>(hiddenDef))
    return emitOpError("at depth 1 needs a main model: its hidden input must "
                       "be the result of the main model's last 'dsc.block'");
  if (getDepth() > 1) {
    auto previous = dyn_cast_or_null<MTPOp>(hiddenDef);
    if (!previous || previous.getDepth() != getDepth() - 1)
      return emitOpError("at depth ")
             << getDepth() << " must take the output of the depth "
             << getDepth() - 1 << " MTP module as its hidden input";
  }
  if (!isa_and_nonnull<EmbeddingOp>(getEmbeddings().getDefiningOp()))
    return emitOpError("shares the main model's embedding: its second input "
                       "must be the result of 'dsc.embedding'");
  return success();
}

LogicalResult MTPOp::verifyRegions() {
  if (failed(verifySingleValueBody(*this, getBody(), getHidden().getType(),
                                   "the eh_proj output")))
    return failure();
  auto ops = getBody().front().without_terminator();
  if (std::distance(ops.begin(), ops.end()) != 1 || !getBlock())
    return emitOpError("body must hold exactly one 'dsc.block' (the MTP "
                       "module's transformer block)");
  return verifyLinears(*this);
}

void MTPOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  int64_t hidden = activationWidth(getHidden());
  addSpec(specs, getScope(), "enorm.weight", {hidden}, "hidden_size");
  addSpec(specs, getScope(), "hnorm.weight", {hidden}, "hidden_size");
  addSpec(specs, getScope(), "eh_proj.weight", {hidden, 2 * hidden},
          "hidden_size x 2*hidden_size")
      .linearInput = "concat";
}

Region *MTPOp::getLinearsRegion() { return &getLinears(); }

MTPOp dsc::getPostProcessedMTP(Operation *op) {
  // Follow the single-input chain (head <- norm <- MTP output).
  while (op && op->getNumOperands() == 1 && !isa<MTPOp>(op))
    op = op->getOperand(0).getDefiningOp();
  return dyn_cast_or_null<MTPOp>(op);
}

//===----------------------------------------------------------------------===//
// EmbeddingOp, LMHeadOp, RMSNormOp
//===----------------------------------------------------------------------===//

/// The vocabulary size of the model around `op` (parameter owners are
/// verified to have one).
static int64_t modelVocabSize(Operation *op) {
  return op->getParentOfType<ModelOp>().getVocabSize();
}

void EmbeddingOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getOutput(), "embeddings");
}

void EmbeddingOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  addSpec(specs, getScope(), "weight",
          {modelVocabSize(*this), activationWidth(getOutput())},
          "vocab_size x hidden_size");
}

LogicalResult LMHeadOp::verify() {
  int64_t vocab = modelVocabSize(*this);
  if (activationWidth(getLogits()) != vocab)
    return emitOpError("produces ")
           << activationWidth(getLogits())
           << " logits per token but the model's vocab_size is " << vocab;
  return success();
}

void LMHeadOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getLogits(), "logits");
}

void LMHeadOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  addSpec(specs, getScope(), "weight",
          {activationWidth(getLogits()), activationWidth(getInput())},
          "vocab_size x hidden_size");
}

LogicalResult RMSNormOp::verify() {
  if (std::optional<APFloat> eps = getEps())
    if (!(eps->convertToDouble() > 0))
      return emitOpError("eps must be positive, got ")
             << eps->convertToDouble();
  return success();
}

double RMSNormOp::getEffectiveEps() {
  if (std::optional<APFloat> eps = getEps())
    return eps->convertToDouble();
  return (*this)->getParentOfType<ModelOp>().getRmsNormEps().convertToDouble();
}

void RMSNormOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  addSpec(specs, getScope(), "weight", {activationWidth(getInput())},
          "hidden_size");
}

//===----------------------------------------------------------------------===//
// MLAOp, MLPOp, MoEOp
//===----------------------------------------------------------------------===//

void MLAOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  MLAAttr c = getConfig();
  StringRef scope = getScope();
  int64_t hidden = activationWidth(getInput());
  int64_t heads = c.getNumAttentionHeads();
  int64_t qOut = heads * c.getQKHeadDim();
  StringRef qOutName =
      "num_attention_heads*(qk_nope_head_dim+qk_rope_head_dim)";
  if (c.getQLoraRank() > 0) {
    addSpec(specs, scope, "q_a_proj.weight", {c.getQLoraRank(), hidden},
            "q_lora_rank x hidden_size")
        .linearInput = linear_input::opInput;
    addSpec(specs, scope, "q_a_layernorm.weight", {c.getQLoraRank()},
            "q_lora_rank");
    addSpec(specs, scope, "q_b_proj.weight", {qOut, c.getQLoraRank()},
            (qOutName + " x q_lora_rank").str())
        .linearInput = "q_latent";
  } else {
    addSpec(specs, scope, "q_proj.weight", {qOut, hidden},
            (qOutName + " x hidden_size").str())
        .linearInput = linear_input::opInput;
  }
  addSpec(specs, scope, "kv_a_proj_with_mqa.weight",
          {c.getKvLoraRank() + c.getQkRopeHeadDim(), hidden},
          "(kv_lora_rank+qk_rope_head_dim) x hidden_size")
      .linearInput = linear_input::opInput;
  addSpec(specs, scope, "kv_a_layernorm.weight", {c.getKvLoraRank()},
          "kv_lora_rank");
  addSpec(specs, scope, "kv_b_proj.weight",
          {heads * (c.getQkNopeHeadDim() + c.getVHeadDim()), c.getKvLoraRank()},
          "num_attention_heads*(qk_nope_head_dim+v_head_dim) x kv_lora_rank")
      .linearInput = "kv_latent";
  addSpec(specs, scope, "o_proj.weight", {hidden, heads * c.getVHeadDim()},
          "hidden_size x num_attention_heads*v_head_dim")
      .linearInput = linear_input::attention;
}

Region *MLAOp::getLinearsRegion() { return &getLinears(); }

LogicalResult MLAOp::verifyRegions() { return verifyLinears(*this); }

void MLAOp::getAsmBlockArgumentNames(Region &region,
                                     OpAsmSetValueNameFn setNameFn) {
  nameLinearInputs(*this, region, setNameFn);
}

LogicalResult MLPOp::verify() {
  if (getIntermediateSize() <= 0)
    return emitOpError("intermediate size must be positive, got ")
           << getIntermediateSize();
  return success();
}

void MLPOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  addSwiGLUSpecs(specs, getScope(), activationWidth(getInput()),
                 getIntermediateSize(), "intermediate_size", "hidden");
}

Region *MLPOp::getLinearsRegion() { return &getLinears(); }

LogicalResult MLPOp::verifyRegions() { return verifyLinears(*this); }

void MLPOp::getAsmBlockArgumentNames(Region &region,
                                     OpAsmSetValueNameFn setNameFn) {
  nameLinearInputs(*this, region, setNameFn);
}

LogicalResult MoEOp::verify() {
  std::optional<ExpertPlacementAttr> placement = getPlacement();
  if (!placement)
    return success();
  int64_t experts = getConfig().getNRoutedExperts();
  if (static_cast<int64_t>(placement->getLogcnt().size()) != experts)
    return emitOpError("placement covers ")
           << placement->getLogcnt().size() << " logical experts but the "
           << "MoE has " << experts << " routed experts";
  return success();
}

void MoEOp::getParameterSpecs(SmallVectorImpl<ParameterSpec> &specs) {
  MoEAttr c = getConfig();
  StringRef scope = getScope();
  int64_t hidden = activationWidth(getInput());
  int64_t experts = c.getNRoutedExperts();
  addSpec(specs, scope, "gate.weight", {experts, hidden},
          "n_routed_experts x hidden_size");
  if (c.getTopkMethod() == TopkMethod::noaux_tc)
    addSpec(specs, scope, "gate.e_score_correction_bias", {experts},
            "n_routed_experts");
  if (c.getNSharedExperts() > 0)
    addSwiGLUSpecs(specs, (scope + ".shared_experts").str(), hidden,
                   c.getNSharedExperts() * c.getMoeIntermediateSize(),
                   "n_shared_experts*moe_intermediate_size", "shared_hidden");
  addSwiGLUSpecs(specs, (scope + ".experts." + kExpertIndexMarker).str(),
                 hidden, c.getMoeIntermediateSize(), "moe_intermediate_size",
                 "expert_hidden", experts);
}

Region *MoEOp::getLinearsRegion() { return &getLinears(); }

LogicalResult MoEOp::verifyRegions() { return verifyLinears(*this); }

void MoEOp::getAsmBlockArgumentNames(Region &region,
                                     OpAsmSetValueNameFn setNameFn) {
  nameLinearInputs(*this, region, setNameFn);
}

//===----------------------------------------------------------------------===//
// CrossEntropyOp
//===----------------------------------------------------------------------===//

void CrossEntropyOp::getAsmResultNames(OpAsmSetValueNameFn setNameFn) {
  setNameFn(getLoss(), "loss");
}

LogicalResult CrossEntropyOp::verify() {
  for (Value mtp : getMtpLogits())
    if (mtp.getType() != getLogits().getType())
      return emitOpError("MTP logits must have the main logits' type ")
             << getLogits().getType() << ", got " << mtp.getType();
  bool hasMTP = !getMtpLogits().empty();
  if (hasMTP != getMtpWeight().has_value())
    return emitOpError("needs 'weight' (the MTP loss weight lambda) exactly "
                       "when it has MTP logits");
  if (hasMTP && !(getMtpWeight()->convertToDouble() >= 0))
    return emitOpError("MTP loss weight must not be negative, got ")
           << getMtpWeight()->convertToDouble();
  return success();
}
