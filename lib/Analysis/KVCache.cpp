//===- KVCache.cpp - KV cache size of a dsc.model -------------------------===//

#include "dsc/Analysis/KVCache.h"
#include "dsc/IR/DscOps.h"

using namespace mlir;
using namespace dsc;

KVCacheAnalysis::KVCacheAnalysis(Operation *op) {
  for (BlockOp block : cast<ModelOp>(op).getBlocks()) {
    block.walk([&](MLAOp mla) {
      MLAAttr c = mla.getConfig();
      latent += c.getCachedValuesPerToken();
      multiHead +=
          c.getNumAttentionHeads() * (c.getQKHeadDim() + c.getVHeadDim());
    });
  }
}
