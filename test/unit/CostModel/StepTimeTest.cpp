//===- StepTimeTest.cpp - roofline step-time estimate of a dsc.run --------===//

#include "dsc/CostModel/StepTime.h"
#include "RunFixture.h"
#include "dsc/CostModel/CostModel.h"
#include "mlir/Pass/AnalysisManager.h"

using namespace dsc;

namespace {

class StepTime : public RunFixture {
protected:
  struct Analyses {
    ParameterCountAnalysis params;
    MemoryAnalysis memory;
    CommunicationAnalysis comm;
    StepTimeAnalysis time;
    explicit Analyses(const ResolvedRun &setup)
        : params(setup.model), memory(setup, params), comm(setup, params),
          time(setup, params, memory, comm) {}
  };
};

// The dense MLP of tiny's layer 0 over a 256-token micro-batch on an H100
// with 112 of 132 SMs computing: 201 MFLOP take 0.24 us, its 786 KB of
// weights and 262 KB of activations 0.31 us at 3350 GB/s: memory-bound.
TEST_F(StepTime, RooflineOfOneOp) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", Options());
  MLPOp mlp;
  setup.model.walk([&](MLPOp op) { mlp = op; });
  double compute = 2.0 * 3 * 512 * 256 * 256 / (989e12 * 112 / 132);
  double memory = (2.0 * 3 * 512 * 256 + 2.0 * 256 * 256 * 2) / 3350e9;
  EXPECT_LT(compute, memory);
  EXPECT_DOUBLE_EQ(rooflineForwardSeconds(mlp, setup), memory);
}

TEST_F(StepTime, PipelineAndThroughput) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", Options());
  Analyses a(setup);
  ASSERT_EQ(a.time.stages().size(), 2u);
  llvm::SmallVector<StageTimes> stages = estimateLayoutTimes(setup, a.comm);
  for (bool overlap : {true, false}) {
    double slowest = 0, fastest = 1e30;
    for (const StageTimes &stage : a.time.stages()) {
      EXPECT_DOUBLE_EQ(stage.backwardCompute, 2 * stage.forwardCompute);
      double slot = stage.forward(overlap) + stage.backward(overlap);
      slowest = std::max(slowest, slot);
      fastest = std::min(fastest, slot);
    }
    // The pipeline is the 1F1B schedule simulated with the stages' costs:
    // 4 micro-batches through the slowest stage at least, Table 2's
    // (4 + 2 - 1) slots of it at most.
    double pipeline =
        llvm::cantFail(simulate(setup.pipeline, pipelineCosts(stages, overlap)))
            .stepTime;
    EXPECT_GE(pipeline, 4 * slowest + fastest);
    EXPECT_LE(pipeline, 5 * slowest);
    double step =
        pipeline + a.time.dataParallelSeconds() + a.time.optimizerSeconds();
    EXPECT_DOUBLE_EQ(a.time.stepSeconds(overlap), step);
    // 4 micro-batches x 256 tokens x dp 4 per step.
    EXPECT_DOUBLE_EQ(a.time.tokensPerSecond(overlap), 4096 / step);
    EXPECT_DOUBLE_EQ(a.time.gpuHours(1e9, overlap),
                     8 * 1e9 / (4096 / step) / 3600);
  }
  EXPECT_LT(a.time.stepSeconds(true), a.time.stepSeconds(false));

  FlopCountAnalysis flops(setup.model, 128);
  double perToken = flops.mainModel().forward + flops.mainModel().backward +
                    flops.mtpModules().forward + flops.mtpModules().backward;
  EXPECT_DOUBLE_EQ(a.time.mfu(true),
                   perToken * a.time.tokensPerSecond(true) / (8 * 989e12));
}

// DualPipe with pp 2: rank s averages stages s and 1 - s; the simulated
// schedule runs 4 micro-batches, mostly as overlapped forward-backward
// pairs, with Table 2's bubble (pp/2 - 1)(...) = 0 for uniform stages.
TEST_F(StepTime, DualPipe) {
  Options options;
  options.schedule = ScheduleKind::dualpipe;
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  Analyses a(setup);
  ASSERT_EQ(a.time.stages().size(), 2u);
  const StageTimes &rank0 = a.time.stages()[0], &rank1 = a.time.stages()[1];
  EXPECT_DOUBLE_EQ(rank0.forwardCompute, rank1.forwardCompute);
  for (bool overlap : {true, false}) {
    double pipeline = a.time.stepSeconds(overlap) -
                      a.time.dataParallelSeconds() - a.time.optimizerSeconds();
    // Each rank computes 4 forwards and 4 backwards of its averaged stage.
    EXPECT_GE(pipeline * (1 + 1e-12),
              4 * (rank0.forward(false) + rank0.backward(false)) *
                  (overlap ? 0 : 1));
    EXPECT_LE(pipeline, 5 * (rank0.forward(false) + rank0.backward(false)) +
                            rank0.backward(false));
  }
  EXPECT_LT(a.time.stepSeconds(true), a.time.stepSeconds(false));
}

// The cost model prices the run once: its step is the step-time analysis's
// with overlap, and its action costs are what that analysis simulates.
TEST_F(StepTime, CostModelIsTheOneStepTime) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", Options());
  Analyses a(setup);
  CostModel costs(setup);
  EXPECT_DOUBLE_EQ(costs.stepSeconds(), a.time.stepSeconds(true));
  EXPECT_EQ(costs.memory().largest().total(), a.memory.largest().total());
  double pipeline =
      llvm::cantFail(simulate(setup.pipeline, costs.actionCosts(true)))
          .stepTime;
  EXPECT_NEAR(costs.stepSeconds(),
              pipeline + a.time.dataParallelSeconds() +
                  a.time.optimizerSeconds(),
              1e-12);
}

TEST_F(StepTime, RecomputeRepeatsTheForward) {
  Options options;
  options.recompute = true;
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  Analyses a(setup);
  for (const StageTimes &stage : a.time.stages())
    EXPECT_DOUBLE_EQ(stage.backwardCompute, 3 * stage.forwardCompute);
}

TEST_F(StepTime, InferenceHasNoBackward) {
  Options options;
  options.mode = RunMode::inference;
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  Analyses a(setup);
  for (const StageTimes &stage : a.time.stages()) {
    EXPECT_EQ(stage.backwardCompute, 0);
    EXPECT_EQ(stage.backwardComm, 0);
  }
  EXPECT_EQ(a.time.dataParallelSeconds(), 0);
  EXPECT_EQ(a.time.optimizerSeconds(), 0);
}

} // namespace
