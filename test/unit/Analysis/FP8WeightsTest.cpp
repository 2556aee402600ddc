//===- FP8WeightsTest.cpp - the analyses of FP8 models --------------------===//
//
// The analyses read a quantized model's parameters (element types are the
// truth) and price an FP8 run of a BF16 model as dsc-fp8-quantize's
// defaults would store it: the two must agree.
//
//===----------------------------------------------------------------------===//

#include "RunFixture.h"
#include "dsc/CostModel/Communication.h"
#include "dsc/CostModel/Memory.h"
#include "dsc/CostModel/StepTime.h"

using namespace dsc;

namespace {

/// examples/tiny on one node of 8 H100, pp 2, dp 4, ep 4 (see MemoryTest).
class FP8Weights : public RunFixture {
protected:
  ResolvedRun setUp(std::optional<DscFP8QuantizeOptions> quantize,
                    int64_t seqLen = 128) {
    Options options;
    options.recipe = Precision::fp8;
    options.moments = MomentType::bf16;
    options.seqLen = seqLen;
    options.fp8Quantize = std::move(quantize);
    return setUpRun("tiny", "h100x8", options);
  }

  /// [N, K] in E4M3 plus one FP32 scale per 128 x 128 block.
  static int64_t fp8Bytes(int64_t n, int64_t k) {
    return n * k + 4 * ((n + 127) / 128) * ((k + 127) / 128);
  }
};

template <typename Op> Op firstOp(ModelOp model) {
  Op found;
  model.walk([&](Op op) {
    if (!found)
      found = op;
  });
  return found;
}

TEST_F(FP8Weights, StorageFollowsTheDeclaredTypes) {
  ResolvedRun setup = setUp(DscFP8QuantizeOptions());
  EXPECT_FALSE(setup.weights.assumesFP8());
  llvm::SmallVector<ParameterSpec> specs;
  firstOp<MoEOp>(setup.model).getParameterSpecs(specs);
  // gate.weight (BF16), the bias (FP32), then the shared and routed
  // experts' projections in FP8.
  EXPECT_FALSE(setup.weights.isFP8(specs[0]));
  EXPECT_EQ(setup.weights.bytes(specs[0]), 16 * 256 * 2);
  EXPECT_EQ(setup.weights.bytes(specs[1]), 16 * 4);
  EXPECT_TRUE(setup.weights.isFP8(specs[2]));
  EXPECT_EQ(setup.weights.bytes(specs[2]), fp8Bytes(128, 256));
  const ParameterSpec &routedDown = specs.back();
  EXPECT_EQ(routedDown.numExperts, 16);
  EXPECT_EQ(setup.weights.bytes(routedDown), 16 * fp8Bytes(256, 128));
}

// An FP8 run of the BF16 model is priced as the quantized model is: the
// same weights, communication and step time.
TEST_F(FP8Weights, PricingMatchesTheQuantizedModel) {
  // Only numbers outlive the first model (setUp loads a new one).
  ResolvedRun priced = setUp(std::nullopt);
  EXPECT_TRUE(priced.weights.assumesFP8());
  ParameterCountAnalysis pricedParams(priced.model);
  MemoryAnalysis pricedMemory(priced, pricedParams);
  CommunicationAnalysis pricedComm(priced, pricedParams);
  StepTimeAnalysis pricedTime(priced, pricedParams, pricedMemory, pricedComm);
  std::vector<double> weights, comm;
  for (const MemoryBreakdown &stage : pricedMemory.stages())
    weights.push_back(stage.weights);
  for (const CommVolume &stage : pricedComm.stages())
    comm.push_back(stage.epInterNode + stage.epIntraNode);
  double step = pricedTime.stepSeconds(true);

  ResolvedRun quantized = setUp(DscFP8QuantizeOptions());
  ParameterCountAnalysis params(quantized.model);
  MemoryAnalysis memory(quantized, params);
  CommunicationAnalysis commAnalysis(quantized, params);
  StepTimeAnalysis time(quantized, params, memory, commAnalysis);
  ASSERT_EQ(memory.stages().size(), weights.size());
  for (auto [s, stage] : llvm::enumerate(memory.stages()))
    EXPECT_EQ(stage.weights, weights[s]) << "stage " << s;
  for (auto [s, stage] : llvm::enumerate(commAnalysis.stages()))
    EXPECT_DOUBLE_EQ(stage.epInterNode + stage.epIntraNode, comm[s]);
  EXPECT_DOUBLE_EQ(time.stepSeconds(true), step);
  // Stage 0's 1,383,400 bytes are derived by hand in MemoryTest.
  EXPECT_EQ(memory.stages()[0].weights, 1383400);
}

// Excluded layers keep BF16 weights (and a BF16 dispatch for excluded
// routed experts) even in an FP8 run.
TEST_F(FP8Weights, ExcludedLayersStayBF16) {
  DscFP8QuantizeOptions options;
  options.exclude = {"routed_experts"};
  ResolvedRun setup = setUp(options);
  ParameterCountAnalysis params(setup.model);
  MemoryAnalysis memory(setup, params);
  // Stage 0 holds a quarter of layer 1's 16 experts: in BF16 now.
  int64_t expertFP8 = 2 * fp8Bytes(128, 256) + fp8Bytes(256, 128);
  int64_t expertBF16 = 2 * 3 * 128 * 256;
  EXPECT_EQ(memory.stages()[0].weights,
            1383400 - 4 * expertFP8 + 4 * expertBF16);

  CommunicationAnalysis comm(setup, params);
  ResolvedRun fp8 = setUp(DscFP8QuantizeOptions());
  ParameterCountAnalysis fp8Params(fp8.model);
  CommunicationAnalysis fp8Comm(fp8, fp8Params);
  // Forward dispatch + combine + two BF16 gradients: (2 + 2 + 4) bytes per
  // value against (1 + 1/128 + 2 + 4): E4M3 and a UE8M0 byte per tile.
  EXPECT_DOUBLE_EQ(comm.stages()[0].epIntraNode /
                       fp8Comm.stages()[0].epIntraNode,
                   8 / (1 + 1.0 / 128 + 6));
}

// The FP8 linear layers run at the FP8 peak; the attention core stays at
// the BF16 peak. At 4096 tokens of context MLA is compute-bound.
TEST_F(FP8Weights, LinearLayersAtTheFP8Peak) {
  ResolvedRun setup = setUp(DscFP8QuantizeOptions(), /*seqLen=*/4096);
  MLAOp mla = firstOp<MLAOp>(setup.model);
  llvm::SmallVector<ParameterSpec> specs;
  mla.getParameterSpecs(specs);
  double projections = 0;
  for (const ParameterSpec &spec : specs)
    if (spec.isLinear())
      projections += 2.0 * spec.shape[0] * spec.shape[1];
  double tokens = setup.microBatchTokens();
  double all = computeOpFlops(mla, 4096).forward;
  double share = (132.0 - 20) / 132; // h100x8 reserves 20 SMs
  double compute =
      tokens * (projections / 1979e12 + (all - projections) / 989e12) / share;
  EXPECT_GT(all, projections);
  EXPECT_DOUBLE_EQ(rooflineForwardSeconds(mla, setup), compute);
}

} // namespace
