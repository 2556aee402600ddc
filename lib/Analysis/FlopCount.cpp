//===- FlopCount.cpp - FLOPs per token of a dsc.model ---------------------===//

#include "dsc/Analysis/FlopCount.h"
#include "dsc/IR/DscOps.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace dsc;

/// A matmul of `weights` parameters per token, forward and backward.
static TokenFlops matmul(double weights) { return {2 * weights, 4 * weights}; }

static TokenFlops attentionFlops(MLAOp op, int64_t sequenceLength) {
  MLAAttr c = op.getConfig();
  double hidden = activationWidth(op.getInput());
  double heads = c.getNumAttentionHeads();
  double qOut = heads * c.getQKHeadDim();
  double projections =
      (c.getQLoraRank() > 0
           ? c.getQLoraRank() * hidden + qOut * c.getQLoraRank()
           : qOut * hidden) +
      (c.getKvLoraRank() + c.getQkRopeHeadDim()) * hidden +
      heads * (c.getQkNopeHeadDim() + c.getVHeadDim()) * c.getKvLoraRank() +
      hidden * heads * c.getVHeadDim();
  // Causal: the query at position i sees i + 1 keys, (S + 1) / 2 on average.
  double keys = (sequenceLength + 1) / 2.0;
  double core = heads * (c.getQKHeadDim() + c.getVHeadDim()) * keys;
  TokenFlops flops = matmul(projections);
  flops += matmul(core); // QK^T and PV; the backward is twice again
  return flops;
}

static TokenFlops moeFlops(MoEOp op) {
  MoEAttr c = op.getConfig();
  double hidden = activationWidth(op.getInput());
  double expert = 3 * c.getMoeIntermediateSize() * hidden;
  return matmul(c.getNRoutedExperts() * hidden +   // router
                c.getNSharedExperts() * expert +   // shared experts
                c.getNumExpertsPerTok() * expert); // chosen experts
}

TokenFlops dsc::computeOpFlops(Operation *op, int64_t sequenceLength) {
  return llvm::TypeSwitch<Operation *, TokenFlops>(op)
      .Case([&](MLAOp mla) { return attentionFlops(mla, sequenceLength); })
      .Case([](MoEOp moe) { return moeFlops(moe); })
      .Case([](MLPOp mlp) {
        return matmul(3 * mlp.getIntermediateSize() *
                      activationWidth(mlp.getInput()));
      })
      .Case([](LMHeadOp head) {
        return matmul(activationWidth(head.getLogits()) *
                      activationWidth(head.getInput()));
      })
      .Case([](MTPOp mtp) {
        double hidden = activationWidth(mtp.getHidden());
        return matmul(2 * hidden * hidden); // eh_proj
      })
      .Default([](Operation *) { return TokenFlops(); });
}

FlopCountAnalysis::FlopCountAnalysis(Operation *op, int64_t sequenceLength) {
  auto model = cast<ModelOp>(op);
  auto countBlock = [&](BlockOp block, TokenFlops &total) {
    TokenFlops layer;
    block.walk([&](Operation *inner) {
      layer += computeOpFlops(inner, sequenceLength);
    });
    perLayer.push_back(layer);
    total += layer;
  };
  for (BlockOp block : model.getBlocks())
    countBlock(block, main);
  for (MTPOp module : model.getMTPModules()) {
    mtp += computeOpFlops(module, sequenceLength);
    countBlock(module.getBlock(), mtp);
  }
  for (auto head : model.getBody().front().getOps<LMHeadOp>())
    (getPostProcessedMTP(head) ? mtp : main) +=
        computeOpFlops(head, sequenceLength);
}
