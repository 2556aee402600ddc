//===- FlopCountTest.cpp - FLOPs per token of a dsc.model -----------------===//

#include "dsc/Analysis/FlopCount.h"
#include "ExampleModel.h"
#include "dsc/IR/DscOps.h"

using namespace dsc;

namespace {

class FlopCount : public ExampleModel {
protected:
  void SetUp() override { model = load("tiny"); }
  ModelOp model;
};

// Hand-computed for examples/tiny at sequence length 1024 (see
// ParameterCountTest for the shapes). A matmul of P weights costs 2P FLOPs
// per token forward and 4P backward.
TEST_F(FlopCount, TinyPerLayer) {
  FlopCountAnalysis flops(model, /*sequenceLength=*/1024);
  // MLA projections q_a + q_b + kv_a + kv_b + o.
  double projections = 24576 + 18432 + 20480 + 16384 + 32768;
  // Causal core: 4 heads x (48 + 32) x (1024 + 1) / 2 keys on average.
  double core = 4 * 80 * 512.5;
  double attention = 2 * (projections + core);
  double dense = 2 * 3 * 512 * 256;
  // Router 16x256, 1 shared and 4 chosen experts of 3x128x256.
  double moe = 2 * (16 * 256 + 5 * 3 * 128 * 256);

  llvm::ArrayRef<TokenFlops> layers = flops.layers();
  ASSERT_EQ(layers.size(), 4u);
  EXPECT_DOUBLE_EQ(layers[0].forward, attention + dense);
  EXPECT_DOUBLE_EQ(layers[1].forward, attention + moe);
  EXPECT_DOUBLE_EQ(layers[1].backward, 2 * (attention + moe));
  EXPECT_DOUBLE_EQ(layers[3].forward, attention + moe); // the MTP block
}

TEST_F(FlopCount, TinyTotals) {
  FlopCountAnalysis flops(model, 1024);
  double head = 2 * 512 * 256;
  EXPECT_DOUBLE_EQ(flops.mainModel().forward, 4690880);
  EXPECT_DOUBLE_EQ(flops.mainModel().backward, 2 * 4690880.0);
  // eh_proj (256 x 512) + the MTP block + the shared head applied again.
  EXPECT_DOUBLE_EQ(flops.mtpModules().forward,
                   2 * 256 * 512 + flops.layers()[3].forward + head);
}

TEST_F(FlopCount, AttentionGrowsWithSequenceLength) {
  FlopCountAnalysis shortSeq(model, 1), longSeq(model, 4097);
  // Only the causal core depends on the length: 4 heads x 80 x 2 FLOPs per
  // extra average key, 2048 more keys on average, 4 attention layers in all.
  double perLayer = 2 * 4 * 80 * (2049 - 1);
  EXPECT_DOUBLE_EQ(longSeq.mainModel().forward - shortSeq.mainModel().forward,
                   3 * perLayer);
}

} // namespace
