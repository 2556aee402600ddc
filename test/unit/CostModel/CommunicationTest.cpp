//===- CommunicationTest.cpp - bytes each GPU sends per step --------------===//

#include "dsc/CostModel/Communication.h"
#include "RunFixture.h"

using namespace dsc;

namespace {

class Communication : public RunFixture {};

// examples/tiny on one node (pp 2, dp 4, ep 4, BF16): no InfiniBand; each
// token's 4 expert copies stay on the receiving GPU 1 time in 4.
TEST_F(Communication, TinyOnOneNode) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", Options());
  ParameterCountAnalysis params(setup.model);
  CommunicationAnalysis comm(setup, params);
  ASSERT_EQ(comm.stages().size(), 2u);

  // 4 micro-batches of 256 tokens x 256 hidden.
  double perToken = 256.0 * 256;
  const CommVolume &first = comm.stages()[0];
  EXPECT_DOUBLE_EQ(first.pp, 4 * perToken * 2); // activations forward only
  EXPECT_DOUBLE_EQ(first.epInterNode, 0);
  // One MoE layer: 3 NVLink copies x (BF16 dispatch + combine) forward and
  // the same for the gradients backward.
  EXPECT_DOUBLE_EQ(first.epIntraNode, 4 * perToken * 3 * (4 + 4));
  // ZeRO-1 ring over dp 4 of the 853328 replicated parameters: 3/4 x
  // (FP32 reduce-scatter + BF16 all-gather); the experts' dp group is 1.
  EXPECT_DOUBLE_EQ(first.dp, 0.75 * 853328 * 6);

  const CommVolume &last = comm.stages()[1];
  EXPECT_DOUBLE_EQ(last.pp, 4 * perToken * 2); // gradients backward only
  // Layer 2 and the MTP block are MoE.
  EXPECT_DOUBLE_EQ(last.epIntraNode, 2 * first.epIntraNode);
  EXPECT_EQ(comm.microBatches()[1].moeLayers, 2);
}

TEST_F(Communication, NoZeroAllReduces) {
  Options options;
  options.zero = 0;
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  ParameterCountAnalysis params(setup.model);
  CommunicationAnalysis comm(setup, params);
  EXPECT_DOUBLE_EQ(comm.stages()[0].dp, 2 * 0.75 * 853328 * 4);
}

// DeepSeek-V3 on its training cluster (pp 16, dp 128, ep 64 over 8 nodes):
// node-limited routing sends a token to at most 4 nodes, 3.5 of them remote
// on average; 7 of its 8 expert copies move over NVLink.
TEST_F(Communication, DeepSeekV3NodeLimitedDispatch) {
  Options options;
  options.seqLen = 4096;
  options.microBatch = 1;
  options.microBatches = 32;
  options.pp = 16;
  options.ep = 64;
  options.dp = 128;
  options.recipe = Precision::fp8;
  ResolvedRun setup = setUpRun("deepseek-v3", "h800x2048", options);
  MoEOp moe;
  setup.model.walk([&](MoEOp op) { moe = op; });
  DispatchFanout fanout = computeDispatchFanout(setup, moe);
  EXPECT_EQ(fanout.nodes, 8);
  EXPECT_DOUBLE_EQ(fanout.remoteNodes, 3.5);
  EXPECT_DOUBLE_EQ(fanout.nvlinkCopies, 7);

  ParameterCountAnalysis params(setup.model);
  CommunicationAnalysis comm(setup, params);
  // Stage 1 holds 4 MoE layers; FP8 dispatch (1 + 1/128 bytes per value:
  // E4M3 and a UE8M0 byte per 1 x 128 tile)
  // and BF16 combine forward, BF16 gradients both ways backward.
  double perToken = 4096.0 * 7168;
  EXPECT_EQ(comm.microBatches()[1].moeLayers, 4);
  EXPECT_DOUBLE_EQ(comm.stages()[1].epInterNode,
                   32 * 4 * perToken * 3.5 * ((1 + 1.0 / 128) + 2 + 4));
}

// A placement that puts every expert on both nodes lets each token be
// served on its own node; one that splits the experts between the nodes
// keeps node-limited routing's bound (1 group node of 2: half remote).
TEST_F(Communication, PlacementServesTokensLocally) {
  Options options;
  options.pp = 1;
  options.dp = 8;
  options.ep = 8;
  ResolvedRun setup = setUpRun(
      "tiny", DSC_SOURCE_DIR "/test/Tools/Inputs/two-nodes.json", options);
  MoEOp moe;
  setup.model.walk([&](MoEOp op) { moe = op; });
  EXPECT_DOUBLE_EQ(computeDispatchFanout(setup, moe).remoteNodes, 0.5);

  std::vector<int64_t> everywhere;
  for (int node = 0; node < 2; ++node)
    for (int64_t e = 0; e < 16; ++e)
      everywhere.push_back(e);
  moe.setPlacementAttr(ExpertPlacementAttr::get(&context, 8, 2,
                                                llvm::APFloat(1.0), everywhere,
                                                std::vector<int64_t>(16, 2)));
  EXPECT_DOUBLE_EQ(computeDispatchFanout(setup, moe).remoteNodes, 0);
}

} // namespace
