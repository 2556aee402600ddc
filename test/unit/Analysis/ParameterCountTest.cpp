//===- ParameterCountTest.cpp - parameters of a dsc.model -----------------===//

#include "dsc/Analysis/ParameterCount.h"
#include "ExampleModel.h"
#include "dsc/IR/DscOps.h"

using namespace dsc;

namespace {

class ParameterCount : public ExampleModel {};

// Hand-computed for examples/tiny: hidden 256, vocab 512, 3 layers (1 dense,
// intermediate 512), MLA 4 heads q_lora 96 kv_lora 64 qk 32+16 v 32,
// 16 routed experts (4 per token) + 1 shared of width 128, MTP 1.
TEST_F(ParameterCount, TinyByComponent) {
  ParameterCountAnalysis params(load("tiny"));
  const ComponentParams &main = params.mainModel();
  EXPECT_EQ(main.embedding, 512 * 256);
  EXPECT_EQ(main.head, 512 * 256);
  // q_a 96x256 + 96 + q_b 192x96 + kv_a 80x256 + 64 + kv_b 256x64 + o 256x128
  int64_t attention = 24576 + 96 + 18432 + 20480 + 64 + 16384 + 32768;
  EXPECT_EQ(attention, 112800);
  EXPECT_EQ(main.attention, 3 * attention);
  EXPECT_EQ(main.norms, 3 * 2 * 256 + 256);
  EXPECT_EQ(main.denseMLP, 3 * 512 * 256);
  EXPECT_EQ(main.router, 2 * (16 * 256 + 16));
  EXPECT_EQ(main.sharedExperts, 2 * 3 * 128 * 256);
  EXPECT_EQ(main.routedExperts, 2 * 16 * 3 * 128 * 256);
  EXPECT_EQ(main.mtpProjection, 0);
  EXPECT_EQ(main.total(), 4346112);

  // A token uses 4 of 16 routed experts: 12/16 of 2 x 1572864 stay idle.
  EXPECT_EQ(params.activatedPerToken(/*withEmbedding=*/true),
            4346112 - 2 * 1179648);
  EXPECT_EQ(params.activatedPerToken(/*withEmbedding=*/false),
            4346112 - 2 * 1179648 - 131072);

  // The MTP module: enorm + hnorm + eh_proj, its block and shared_head.norm;
  // the embedding and the output head are shared.
  const ComponentParams &mtp = params.mtpModules();
  EXPECT_EQ(mtp.mtpProjection, 2 * 256 + 256 * 512);
  EXPECT_EQ(mtp.attention, attention);
  EXPECT_EQ(mtp.norms, 2 * 256 + 256);
  EXPECT_EQ(mtp.embedding, 0);
  EXPECT_EQ(mtp.head, 0);
  EXPECT_EQ(mtp.total(), 1920432);
}

TEST_F(ParameterCount, TinyByLayer) {
  ParameterCountAnalysis params(load("tiny"));
  llvm::ArrayRef<LayerParams> layers = params.layers();
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_EQ(layers[0].index, 0);
  EXPECT_FALSE(layers[0].isMoE);
  EXPECT_EQ(layers[0].total, 112800 + 512 + 393216);
  EXPECT_EQ(layers[0].activated, layers[0].total);
  EXPECT_TRUE(layers[1].isMoE);
  EXPECT_EQ(layers[1].total, 112800 + 512 + 4112 + 98304 + 1572864);
  EXPECT_EQ(layers[1].activated, layers[1].total - 1179648);
  EXPECT_EQ(layers[3].index, 3);
  EXPECT_TRUE(layers[3].isMTP);
  EXPECT_EQ(layers[3].total, layers[1].total);
}

// DeepSeek-V3's published figures: 671B total, 37B activated (36.6B without
// the embedding, 37.5B with it), the MTP module ~11.6B of its own.
TEST_F(ParameterCount, DeepSeekV3MatchesPublishedFigures) {
  ParameterCountAnalysis params(load("deepseek-v3"));
  EXPECT_NEAR(params.mainModel().total() / 1e9, 671.0, 671.0 * 0.005);
  EXPECT_NEAR(params.activatedPerToken(true) / 1e9, 37.5, 0.1);
  EXPECT_NEAR(params.activatedPerToken(false) / 1e9, 36.6, 0.1);
  EXPECT_NEAR(params.mtpModules().total() / 1e9, 11.6, 0.1);
}

} // namespace
