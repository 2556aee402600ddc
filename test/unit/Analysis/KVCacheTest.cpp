//===- KVCacheTest.cpp - KV cache size of a dsc.model ---------------------===//

#include "dsc/Analysis/KVCache.h"
#include "ExampleModel.h"
#include "dsc/IR/DscOps.h"

using namespace dsc;

namespace {

class KVCache : public ExampleModel {
protected:
  KVCacheAnalysis analyse(llvm::StringRef example) {
    return KVCacheAnalysis(load(example));
  }
};

// V3: (512 + 64) x 61 layers x 2 bytes = 70,272 bytes per token in BF16;
// multi-head: 128 heads x (192 key + 128 value) x 61 layers.
TEST_F(KVCache, DeepSeekV3) {
  KVCacheAnalysis cache = analyse("deepseek-v3");
  EXPECT_EQ(cache.latentValuesPerToken(), 576 * 61);
  EXPECT_EQ(cache.latentBytesPerToken(2), 70272);
  EXPECT_EQ(cache.latentBytesPerToken(1), 35136);
  EXPECT_EQ(cache.multiHeadBytesPerToken(2), 128 * 320 * 61 * 2);
  EXPECT_NEAR(cache.compressionRatio(), 40960.0 / 576, 1e-9);
}

// Tiny: 3 layers of (64 + 16) latent; 4 heads x (48 + 32) multi-head. The
// MTP block is not part of the cache.
TEST_F(KVCache, Tiny) {
  KVCacheAnalysis cache = analyse("tiny");
  EXPECT_EQ(cache.latentValuesPerToken(), 3 * 80);
  EXPECT_EQ(cache.multiHeadValuesPerToken(), 3 * 4 * 80);
  EXPECT_DOUBLE_EQ(cache.compressionRatio(), 4.0);
}

} // namespace
