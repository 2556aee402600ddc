//===- ResolvedRunTest.cpp - model parts and pipeline stage layouts
//----------===//

#include "RunFixture.h"
#include "gtest/gtest.h"

using namespace dsc;

namespace {

class ResolvedRunTest : public RunFixture {};

TEST_F(ResolvedRunTest, ModelPartsOfTopLevelOps) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", {});
  std::string parts;
  for (mlir::Operation &op : setup.model.getBody().front()) {
    std::optional<ModelPart> part = modelPartOf(&op);
    if (!part)
      continue;
    parts += "EtmL"[part->kind];
    parts += std::to_string(part->index);
  }
  // embedding, 3 blocks, final norm + head, MTP module + its norm and head,
  // the loss.
  EXPECT_EQ(parts, "E0t0t1t2L0L0m0m0m0L0");
}

TEST_F(ResolvedRunTest, EvenSplitWithoutLayout) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", {});
  ASSERT_EQ(setup.layout.stages.size(), 2u);
  EXPECT_EQ(setup.layout.stages[0].layers, (llvm::SmallVector<int64_t>{0, 1}));
  EXPECT_EQ(setup.layout.stages[1].layers, (llvm::SmallVector<int64_t>{2}));
  EXPECT_EQ(setup.layout.stages[1].mtpModules, (llvm::SmallVector<int64_t>{0}));
  EXPECT_EQ(setup.layout.toAttr(setup.model.getContext()).toMegatron(),
            "Et*2|tmL");
}

TEST_F(ResolvedRunTest, LayoutFromTheRun) {
  Options options;
  options.layout = "Et*3|mL";
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  ASSERT_EQ(setup.layout.stages.size(), 2u);
  const StageLayout::Stage &first = setup.layout.stages[0];
  const StageLayout::Stage &last = setup.layout.stages[1];
  EXPECT_EQ(first.layers, (llvm::SmallVector<int64_t>{0, 1, 2}));
  EXPECT_TRUE(first.hasEmbedding && !first.hasHead && first.mtpModules.empty());
  EXPECT_TRUE(last.layers.empty() && last.hasHead && !last.hasEmbedding);
  EXPECT_TRUE(last.holds({ModelPart::MTP, 0}));
  EXPECT_FALSE(last.holds({ModelPart::Block, 2}));

  // The last stage keeps the MTP module, the head and a copy of the
  // embedding the module shares with the main model.
  ParameterCountAnalysis params(setup.model);
  ComponentParams held = stageParameters(last, params);
  EXPECT_EQ(held.embedding, params.mainModel().embedding);
  EXPECT_EQ(held.head, params.mainModel().head);
  EXPECT_EQ(held.routedExperts, params.mtpModules().routedExperts);
  ComponentParams firstHeld = stageParameters(first, params);
  EXPECT_EQ(firstHeld.head, 0);
  EXPECT_EQ(firstHeld.routedExperts, params.mainModel().routedExperts);
}

} // namespace

namespace {
class ResolvedRunShape : public RunFixture {};

// The layout is sized from the schedule's shape, not from pp: ZB-V and
// DualPipeV run 2 pp stages, DualPipe pp stages with two on every rank.
TEST_F(ResolvedRunShape, LayoutSizedFromTheShape) {
  struct Case {
    ScheduleKind kind;
    int64_t stages, stagesPerRank;
    llvm::SmallVector<int64_t, 2> onRank0;
  };
  for (const Case &c : {Case{ScheduleKind::one_f_one_b, 2, 1, {0}},
                        Case{ScheduleKind::zb_v, 4, 2, {0, 3}},
                        Case{ScheduleKind::dualpipev, 4, 2, {0, 3}},
                        Case{ScheduleKind::dualpipe, 2, 2, {0, 1}},
                        Case{ScheduleKind::interleaved_1f1b, 4, 2, {0, 2}}}) {
    Options options;
    options.schedule = c.kind;
    ResolvedRun setup = setUpRun("tiny", "h100x8", options);
    EXPECT_EQ(setup.shape.ranks, 2);
    EXPECT_EQ(setup.shape.stages, c.stages);
    EXPECT_EQ(setup.shape.stagesPerRank, c.stagesPerRank);
    EXPECT_EQ(int64_t(setup.layout.stages.size()), c.stages);
    EXPECT_EQ(setup.pipeline.numStages, c.stages);
    EXPECT_EQ(setup.stagesOnRank(0), c.onRank0)
        << scheduleKindName(c.kind).str();
  }
}

// A layout of another stage count is refused when the run is resolved,
// with the stage count the schedule runs.
TEST_F(ResolvedRunShape, LayoutOfTheWrongStageCountIsRefused) {
  Options options;
  options.layout = "Et*2|tmL";
  ResolvedRun setup = setUpRun("tiny", "h100x8", options);
  RunOp run = setup.run;
  run.setSchedule(ScheduleKind::zb_v);
  std::string message;
  mlir::ScopedDiagnosticHandler handler(
      &context, [&](mlir::Diagnostic &diag) { message = diag.str(); });
  EXPECT_TRUE(mlir::failed(resolveRun(run)));
  EXPECT_EQ(message, "'dsc.run' op layout \"Et*2|tmL\" has 2 stages but "
                     "schedule zb_v on pp 2 ranks runs 4; repartition with "
                     "dsc-pipeline-partition");
}

// The mesh owns rank coordinates: pp outermost, dp inside, ep the fastest
// part of dp.
TEST_F(ResolvedRunShape, MeshCoordinates) {
  ResolvedRun setup = setUpRun("tiny", "h100x8", Options());
  MeshOp mesh = setup.mesh;
  EXPECT_EQ(mesh.getNumRanks(), 8);
  EXPECT_EQ(mesh.getRank(1, 2), 6);
  EXPECT_EQ(mesh.getPipelineRank(6), 1);
  EXPECT_EQ(mesh.getDataRank(6), 2);
  EXPECT_EQ(mesh.getExpertRank(7), 3);
}
} // namespace
