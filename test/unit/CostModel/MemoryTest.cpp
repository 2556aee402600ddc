//===- MemoryTest.cpp - memory per GPU of a dsc.run -----------------------===//

#include "dsc/CostModel/Memory.h"
#include "RunFixture.h"

using namespace dsc;

namespace {

/// examples/tiny on one node of 8 H100 with pp 2, dp 4, ep 4: stage 0 holds
/// the embedding and layers 0 (dense) and 1 (MoE); stage 1 layer 2 (MoE),
/// the final norm, the head and the MTP module. 2 x 128-token micro-batches.
class Memory : public RunFixture {
protected:
  ResolvedRun setUp(RunMode mode, Precision recipe, bool recompute) {
    Options options;
    options.mode = mode;
    options.recipe = recipe;
    options.recompute = recompute;
    return setUpRun("tiny", "h100x8", options);
  }
};

TEST_F(Memory, TinyTrainingBF16) {
  ResolvedRun setup = setUp(RunMode::training, Precision::bf16, false);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  ASSERT_EQ(memory.stages().size(), 2u);

  // Stage 0: replicated = embedding 131072 + layer 0 506528 + layer 1
  // without routed experts 215728; routed 1572864 / ep 4. All BF16 but
  // layer 1's 16 FP32 routing biases.
  const MemoryBreakdown &first = memory.stages()[0];
  EXPECT_EQ(first.weights, 2 * (853328 + 393216) + 2 * 16);
  EXPECT_EQ(first.grads, 4 * (853328 + 393216));
  // Master + 2 FP32 moments; ZeRO-1 over dp 4 (experts over dp / ep = 1).
  EXPECT_EQ(first.optimizer, 12 * (853328 / 4 + 393216));
  // 2 micro-batches in flight x 256 tokens x (7088 + 12016) bytes: the
  // dense block keeps 3544 values per token, the MoE block 6008.
  EXPECT_EQ(first.activations, 2 * 256 * (7088 + 12016));
  EXPECT_EQ(first.kvCache, 0);

  // Stage 1: layer 2, final norm, head, MTP module (2 x 1572864 routed),
  // and the MTP module's copy of the embedding (131072; the main model's
  // is on stage 0).
  const MemoryBreakdown &last = memory.stages()[1];
  EXPECT_EQ(last.weights, 2 * (694624 + 131072 + 786432) + 2 * 2 * 16);
  EXPECT_EQ(last.optimizer, 12 * ((694624 + 131072) / 4 + 786432));
  // One micro-batch in flight: layer 2, the MTP inputs and block, and the
  // FP32 logits of both heads.
  EXPECT_EQ(last.activations, 256 * (12016 + 2048 + 12016 + 2 * 512 * 4));
  EXPECT_EQ(memory.largestStage(), 1);
}

TEST_F(Memory, RecomputeKeepsBlockInputs) {
  ResolvedRun setup = setUp(RunMode::training, Precision::bf16, true);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  // Each block's BF16 input per in-flight micro-batch, plus the largest
  // block once while it is recomputed.
  EXPECT_EQ(memory.stages()[0].activations,
            2 * 256 * (2 * 256 * 2) + 256 * 12016);
}

TEST_F(Memory, FP8HalvesMatmulWeightsAndInputs) {
  ResolvedRun setup = setUp(RunMode::training, Precision::fp8, false);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  const MemoryBreakdown &first = memory.stages()[0];
  // Linear weights priced as dsc-fp8-quantize stores them: an [N, K]
  // weight in E4M3 plus one FP32 scale per 128 x 128 block. Embedding
  // (131072), block norms (1024), MLA latent norms (2 x 160), gate (4096)
  // stay BF16, the routing bias (16) FP32. Routed experts: 16 / ep 4.
  auto fp8 = [](int64_t n, int64_t k) {
    return n * k + 4 * ((n + 127) / 128) * ((k + 127) / 128);
  };
  int64_t mla =
      fp8(96, 256) + fp8(192, 96) + fp8(80, 256) + fp8(256, 64) + fp8(256, 128);
  int64_t expert = 2 * fp8(128, 256) + fp8(256, 128);
  int64_t linear =
      2 * mla + 2 * fp8(512, 256) + fp8(256, 512) + expert + 16 * expert / 4;
  EXPECT_EQ(first.weights,
            linear + 2 * (131072 + 1024 + 2 * 160 + 4096) + 4 * 16);
  // Matmul inputs in FP8: dense block 544 + 768, MoE block 544 + 1920.
  EXPECT_EQ(first.activations,
            2 * 256 * (7088 - 544 - 768 + 12016 - 544 - 1920));
}

// DualPipe (Table 2): each GPU holds stages s and pp - 1 - s, so both GPUs
// hold all parameters of the 2-stage pipeline, and pp + 1 = 3 micro-batches
// of the two stages' mean activations (stage 1 without its logits, which
// only one micro-batch holds at a time).
TEST_F(Memory, DualPipeHoldsTwoStages) {
  Options options;
  options.schedule = ScheduleKind::dualpipe;
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  for (const MemoryBreakdown &rank : memory.stages()) {
    EXPECT_EQ(rank.weights,
              2 * (853328 + 694624 + 393216 + 786432) + 3 * 2 * 16);
    EXPECT_EQ(rank.activations,
              3 * 256 * (19104 + 26080) / 2 + 256 * 2 * 512 * 4);
  }
}

TEST_F(Memory, InferenceHoldsWeightsAndKVCache) {
  ResolvedRun setup = setUp(RunMode::inference, Precision::bf16, false);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  const MemoryBreakdown &first = memory.stages()[0];
  EXPECT_EQ(first.grads, 0);
  EXPECT_EQ(first.optimizer, 0);
  EXPECT_EQ(first.activations, 0);
  // 256 tokens x 2 layers x (64 + 16) latent values x 2 bytes.
  EXPECT_EQ(first.kvCache, 256 * 2 * 80 * 2);
}

} // namespace
