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
