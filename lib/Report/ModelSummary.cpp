//===- ModelSummary.cpp - what a model is, for people ---------------------===//

#include "dsc/Report/ModelSummary.h"
#include "dsc/Analysis/WeightStorage.h"
#include "dsc/IR/DscOps.h"
#include "dsc/IR/Parameters.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace dsc;

/// "3 (0-2)" or "1 (5)" or "0".
static void printRange(llvm::raw_ostream &os, ArrayRef<int64_t> indices) {
  os << indices.size();
  if (indices.empty())
    return;
  os << " (" << indices.front();
  bool contiguous = indices.back() - indices.front() + 1 ==
                    static_cast<int64_t>(indices.size());
  if (indices.size() > 1)
    os << (contiguous ? "-" : ", ..., ") << indices.back();
  os << ")";
}

static void printAttention(llvm::raw_ostream &os, MLAAttr mla) {
  os << "attention   MLA, " << mla.getNumAttentionHeads() << " heads; ";
  if (mla.getQLoraRank() > 0)
    os << "q_lora_rank " << mla.getQLoraRank();
  else
    os << "full query projection";
  os << ", kv_lora_rank " << mla.getKvLoraRank() << "; head dims qk "
     << mla.getQkNopeHeadDim() << " + " << mla.getQkRopeHeadDim()
     << " (RoPE), v " << mla.getVHeadDim() << "\n";
  RopeAttr rope = mla.getRope();
  os << "            RoPE theta "
     << llvm::format("%g", rope.getTheta().convertToDouble());
  if (YarnAttr yarn = rope.getYarn())
    os << ", YaRN x" << llvm::format("%g", yarn.getFactor().convertToDouble())
       << " from " << yarn.getOriginalMaxPositionEmbeddings() << " positions";
  os << "; softmax scale "
     << llvm::format("%.5f", mla.getSoftmaxScale().convertToDouble()) << "\n";
  os << "            KV cache: " << mla.getCachedValuesPerToken()
     << " values per token per layer (latent " << mla.getKvLoraRank()
     << " + RoPE key " << mla.getQkRopeHeadDim() << ")\n";
}

static void printExperts(llvm::raw_ostream &os, MoEAttr moe) {
  os << "experts     " << moe.getNRoutedExperts() << " routed + "
     << moe.getNSharedExperts() << " shared, width "
     << moe.getMoeIntermediateSize() << "; " << moe.getNumExpertsPerTok()
     << " routed per token\n";
  os << "routing     " << stringifyScoringFunc(moe.getScoringFunc())
     << " scores, " << stringifyTopkMethod(moe.getTopkMethod());
  if (moe.isGroupLimited())
    os << " over " << moe.getNGroup() << " groups (best " << moe.getTopkGroup()
       << " kept)";
  os << ", scaling "
     << llvm::format("%g", moe.getRoutedScalingFactor().convertToDouble())
     << (moe.getNormTopkProb() ? ", top-k renormalised" : "") << "\n";
  os << "balancing   ";
  if (moe.getBiasBalancing())
    os << "auxiliary-loss-free bias, update rate "
       << llvm::format("%g", moe.getBiasUpdateRate().convertToDouble()) << "; ";
  os << "sequence balance loss alpha "
     << llvm::format("%g", moe.getAuxLossAlpha().convertToDouble()) << "\n";
}

/// Which linear layers are FP8 and how (only for a model with FP8 weights).
static void printPrecision(llvm::raw_ostream &os, ModelOp model) {
  if (!model.hasFP8Weights())
    return;
  WeightStorage storage(model, /*fp8Recipe=*/false);
  int64_t linear = 0, fp8 = 0;
  SmallVector<ParameterSpec> specs;
  model.walk([&](ParameterOwnerOpInterface owner) {
    specs.clear();
    owner.getParameterSpecs(specs);
    for (const ParameterSpec &spec : specs) {
      linear += spec.isLinear();
      fp8 += storage.isFP8(spec);
    }
  });
  SmallVector<int64_t, 2> block = model.getFP8WeightBlock();
  os << "precision   FP8 E4M3 in " << fp8 << " of " << linear
     << " linear layers, weights in " << block[0] << "x" << block[1]
     << " blocks (_scale_inv)";
  if (std::optional<FP8RecipeAttr> recipe = model.getFp8())
    os << ", activations in 1x" << recipe->getActTileWidth() << " tiles ("
       << stringifyScaleFormat(recipe->getScale())
       << " scales), FP32 promotion every " << recipe->getPromote();
  os << "; the rest BF16/FP32\n";
}

void dsc::printModelSummary(ModelOp model, llvm::raw_ostream &os) {
  SmallVector<int64_t> dense, moeLayers;
  MLAAttr mla;
  MoEAttr moe;
  std::optional<int64_t> mlpWidth;
  model.walk([&](Operation *op) {
    if (auto attention = dyn_cast<MLAOp>(op))
      mla = attention.getConfig();
    else if (auto experts = dyn_cast<MoEOp>(op))
      moe = experts.getConfig();
    else if (auto mlp = dyn_cast<MLPOp>(op))
      mlpWidth = mlp.getIntermediateSize();
  });
  for (BlockOp block : model.getBlocks())
    (block.isMoE() ? moeLayers : dense).push_back(block.getIndex());

  os << "model       @" << model.getSymName() << "\n";
  os << "layers      " << model.getNumHiddenLayers() << " decoder blocks: ";
  printRange(os, dense);
  os << " dense, ";
  printRange(os, moeLayers);
  os << " MoE\n";
  os << "hidden      " << model.getHiddenSize() << ", vocabulary "
     << model.getVocabSize() << ", context " << model.getMaxPositionEmbeddings()
     << " positions\n";
  if (mla)
    printAttention(os, mla);
  if (mlpWidth)
    os << "dense FFN   SwiGLU, width " << *mlpWidth << "\n";
  if (moe)
    printExperts(os, moe);

  SmallVector<MTPOp> mtps = model.getMTPModules();
  os << "MTP         " << (mtps.empty() ? "none" : "depth ");
  if (!mtps.empty()) {
    os << mtps.size();
    os << " (checkpoint layer";
    for (MTPOp mtp : mtps)
      os << " " << mtp.getBlock().getIndex();
    os << "), shares the embedding and output head";
  }
  os << "\n";
  for (auto loss : model.getBody().front().getOps<CrossEntropyOp>())
    if (std::optional<APFloat> weight = loss.getMtpWeight())
      os << "loss        cross-entropy + "
         << llvm::format("%g", weight->convertToDouble())
         << " x mean MTP cross-entropy\n";

  int64_t parameters = 0, tensors = 0, values = 0;
  for (auto param : model.getBody().front().getOps<ParameterOp>()) {
    ++parameters;
    values += param.getTensorType().getNumElements();
  }
  forEachCheckpointTensor(model, [&](const CheckpointTensor &) { ++tensors; });
  printPrecision(os, model);
  os << "weights     " << parameters << " parameters = " << tensors
     << " checkpoint tensors, "
     << (values >= 1e9 ? llvm::format("%.2fB", values / 1e9)
                       : llvm::format("%.2fM", values / 1e6))
     << " values (MTP included, shared tensors once)\n";
}

void dsc::printCheckpointTensors(ModelOp model, llvm::raw_ostream &os) {
  forEachCheckpointTensor(model, [&](const CheckpointTensor &tensor) {
    os << tensor.name << " ";
    llvm::interleave(tensor.shape, os, "x");
    os << " " << tensor.elementType << " -> @\"" << tensor.parameterName
       << "\"";
    if (tensor.expert)
      os << "[" << *tensor.expert << "]";
    if (tensor.isAlias)
      os << " (shared copy)";
    os << "\n";
  });
}
