//===- Memory.cpp - memory per GPU of a dsc.run ---------------------------===//

#include "dsc/CostModel/Memory.h"

using namespace mlir;
using namespace dsc;

SavedActivations dsc::savedActivationsPerToken(BlockOp block) {
  SavedActivations saved;
  int64_t hidden = activationWidth(block.getInput());
  // The inputs of both norms; their outputs are matmul inputs, counted below.
  saved.other += 2 * hidden;
  block.walk([&](Operation *op) {
    if (auto mla = dyn_cast<MLAOp>(op)) {
      MLAAttr c = mla.getConfig();
      int64_t heads = c.getNumAttentionHeads();
      // Inputs of q_a/kv_a (or q_proj), q_b, kv_b and o_proj.
      saved.matmulInputs += hidden + c.getQLoraRank() + c.getKvLoraRank() +
                            heads * c.getVHeadDim();
      // Inputs of the two latent norms, Q, K, V and the softmax statistics
      // (one FP32 per head, as two 16-bit values).
      saved.other += c.getQLoraRank() + c.getKvLoraRank() +
                     c.getQkRopeHeadDim() + 2 * heads * c.getQKHeadDim() +
                     heads * c.getVHeadDim() + 2 * heads;
    } else if (auto mlp = dyn_cast<MLPOp>(op)) {
      int64_t width = mlp.getIntermediateSize();
      saved.matmulInputs += hidden + width; // gate/up and down inputs
      saved.other += 2 * width;             // gate and up outputs
    } else if (auto moe = dyn_cast<MoEOp>(op)) {
      MoEAttr c = moe.getConfig();
      int64_t chosen = c.getNumExpertsPerTok();
      int64_t width =
          (chosen + c.getNSharedExperts()) * c.getMoeIntermediateSize();
      // Router/shared input, the dispatched copies, the down inputs.
      saved.matmulInputs += hidden + chosen * hidden + width;
      // Gate and up outputs, FP32 scores, expert outputs for the combine.
      saved.other += 2 * width + 2 * c.getNRoutedExperts() + chosen * hidden;
    }
  });
  return saved;
}

StageFootprint &StageFootprint::operator+=(const StageFootprint &other) {
  held += other.held;
  heldBytes += other.heldBytes;
  activationBytesPerToken += other.activationBytesPerToken;
  largestBlock = std::max(largestBlock, other.largestBlock);
  transientBytesPerToken += other.transientBytesPerToken;
  latentValues += other.latentValues;
  return *this;
}

StageFootprint dsc::stageFootprint(const ResolvedRun &setup,
                                   const StageLayout::Stage &stage,
                                   const ParameterCountAnalysis &params,
                                   const ParameterCountAnalysis &stored) {
  RunOp run = setup.run;
  ModelOp model = setup.model;
  bool fp8 = setup.isFP8();
  StageFootprint footprint;
  footprint.held = stageParameters(stage, params);
  footprint.heldBytes = stageParameters(stage, stored);
  for (int64_t index : stage.layers) {
    BlockOp block = setup.blocks[index];
    int64_t full = savedActivationsPerToken(block).bytes(fp8);
    footprint.largestBlock = std::max(footprint.largestBlock, full);
    footprint.activationBytesPerToken +=
        run.getRecompute() ? 2 * activationWidth(block.getInput()) : full;
    block.walk([&](MLAOp mla) {
      footprint.latentValues += mla.getConfig().getCachedValuesPerToken();
    });
  }
  int64_t hidden = model.getHiddenSize();
  for (int64_t index : stage.mtpModules) {
    // enorm/hnorm inputs and the eh_proj input, then the block.
    footprint.activationBytesPerToken +=
        2 * 4 * hidden +
        savedActivationsPerToken(MTPOp(setup.mtpModules[index]).getBlock())
            .bytes(fp8);
  }
  // FP32 logits of every head, for the cross-entropy backward.
  int64_t heads = (stage.hasHead ? 1 : 0) + stage.mtpModules.size();
  footprint.transientBytesPerToken = heads * model.getVocabSize() * 4;
  return footprint;
}

MemoryBreakdown dsc::rankMemory(const ResolvedRun &setup,
                                const StageFootprint &footprint,
                                int64_t inFlight) {
  RunOp run = setup.run;
  bool fp8 = setup.isFP8();
  int64_t ep = setup.ep(), dp = setup.dp();
  int64_t tokens = setup.microBatchTokens();
  const ComponentParams &held = footprint.held;

  MemoryBreakdown memory;
  double share = setup.routedShare;
  double routed = held.routedExperts * share;
  double replicated = held.total() - held.routedExperts;
  const ComponentParams &bytes = footprint.heldBytes;
  memory.weights = bytes.total() - bytes.routedExperts * (1 - share);
  if (setup.isTraining()) {
    // Gradients as the FP8 recipe keeps them (FP32 without one); master
    // weights are FP32.
    int64_t gradBytes = 4;
    ModelOp model = setup.model;
    if (std::optional<FP8RecipeAttr> recipe = model.getFp8())
      gradBytes = recipe->getGrads().getIntOrFloatBitWidth() / 8;
    memory.grads = gradBytes * (replicated + routed);
    int64_t momentBytes = run.getMoments() == MomentType::fp32 ? 8 : 4;
    // ZeRO-1 shards the optimizer over every rank holding a parameter: its
    // data-parallel copies, on each pipeline rank that holds its stage.
    bool zero1 = run.getZero() == 1;
    int64_t copies = zero1 ? setup.stageCopies() : 1;
    memory.optimizer =
        (4 + momentBytes) * (replicated / (zero1 ? dp * copies : 1) +
                             routed / (zero1 ? dp / ep * copies : 1));
    memory.activations = inFlight * tokens * footprint.activationBytesPerToken +
                         tokens * footprint.transientBytesPerToken;
    if (run.getRecompute())
      memory.activations += tokens * footprint.largestBlock;
  } else {
    memory.kvCache = tokens * footprint.latentValues * (fp8 ? 1 : 2);
  }
  return memory;
}

StageFootprint dsc::rankFootprint(const ParameterCountAnalysis &params,
                                  const ParameterCountAnalysis &stored,
                                  ArrayRef<StageLayout::Stage> stages,
                                  ArrayRef<StageFootprint> footprints) {
  StageFootprint footprint;
  // One copy of what the stages hold together (the MTP modules share the
  // embedding and head with the main model).
  StageLayout::Stage all;
  for (auto [stage, stageFootprint] : llvm::zip(stages, footprints)) {
    all.layers.append(stage.layers);
    all.mtpModules.append(stage.mtpModules);
    all.hasEmbedding |= stage.hasEmbedding;
    all.hasHead |= stage.hasHead;
    footprint += stageFootprint;
  }
  footprint.held = stageParameters(all, params);
  footprint.heldBytes = stageParameters(all, stored);
  // The in-flight count spans the rank's stages: a micro-batch of
  // activations is one stage's, on average.
  footprint.activationBytesPerToken /= static_cast<int64_t>(stages.size());
  return footprint;
}

MemoryAnalysis::MemoryAnalysis(const ResolvedRun &setup,
                               const ParameterCountAnalysis &params) {
  ParameterCountAnalysis stored(setup.model, &setup.weights);
  SmallVector<StageFootprint> footprints;
  for (const StageLayout::Stage &stage : setup.layout.stages)
    footprints.push_back(stageFootprint(setup, stage, params, stored));
  RunOp run = setup.run;
  for (int64_t rank = 0; rank < setup.pp(); ++rank) {
    SmallVector<StageLayout::Stage, 2> stages;
    SmallVector<StageFootprint, 2> stageFootprints;
    for (int64_t s : setup.stagesOnRank(rank)) {
      stages.push_back(setup.layout.stages[s]);
      stageFootprints.push_back(footprints[s]);
    }
    StageFootprint footprint =
        rankFootprint(params, stored, stages, stageFootprints);
    perStage.push_back(
        rankMemory(setup, footprint, setup.peakActivations[rank]));
  }
}

int64_t MemoryAnalysis::largestStage() const {
  int64_t largest = 0;
  for (auto [s, memory] : llvm::enumerate(perStage))
    if (memory.total() > perStage[largest].total())
      largest = s;
  return largest;
}
