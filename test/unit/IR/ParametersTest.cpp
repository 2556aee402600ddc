//===- ParametersTest.cpp - checkpoint names of model parameters ----------===//

#include "dsc/IR/Parameters.h"
#include "ExampleModel.h"
#include "dsc/IR/DscOps.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"

using namespace dsc;

namespace {

TEST(Parameters, ExpertTemplates) {
  EXPECT_TRUE(
      isExpertTemplate("model.layers.3.mlp.experts.{e}.up_proj.weight"));
  EXPECT_FALSE(isExpertTemplate("model.layers.3.mlp.experts.7.up_proj.weight"));
  EXPECT_EQ(expandExpertName("m.experts.{e}.down_proj.weight", 17),
            "m.experts.17.down_proj.weight");
  EXPECT_EQ(expandExpertName("m.norm.weight", 3), "m.norm.weight");
}

// DeepSeek's FP8 checkpoints: W_scale_inv holds one scale per block of the
// last two dimensions, ragged blocks rounded up; expert dimensions stay.
TEST(Parameters, BlockScales) {
  EXPECT_EQ(scaleInvName("m.layers.3.self_attn.o_proj.weight"),
            "m.layers.3.self_attn.o_proj.weight_scale_inv");
  using Shape = llvm::SmallVector<int64_t>;
  EXPECT_EQ(blockScaleShape({576, 7168}, {128, 128}), (Shape{5, 56}));
  EXPECT_EQ(blockScaleShape({7168, 16384}, {128, 128}), (Shape{56, 128}));
  EXPECT_EQ(blockScaleShape({256, 2048, 7168}, {128, 128}),
            (Shape{256, 16, 56}));
  EXPECT_EQ(blockScaleShape({96, 256}, {64, 32}), (Shape{2, 8}));
  EXPECT_EQ(blockScaleShape({1, 1}, {128, 128}), (Shape{1, 1}));
}

/// The bundled tiny model: 3 layers (1 dense), 16 routed experts, MTP 1.
class TinyModel : public ExampleModel {
protected:
  void SetUp() override { model = load("tiny"); }
  ModelOp model;
};

TEST_F(TinyModel, LooksUpStackedExpert) {
  std::optional<CheckpointTensor> tensor = lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.7.down_proj.weight");
  ASSERT_TRUE(tensor.has_value());
  EXPECT_EQ(tensor->parameterName,
            "model.layers.2.mlp.experts.{e}.down_proj.weight");
  EXPECT_EQ(tensor->expert, 7);
  EXPECT_EQ(tensor->shape, (llvm::SmallVector<int64_t>{256, 128}));
  EXPECT_TRUE(tensor->elementType.isBF16());
  EXPECT_FALSE(tensor->isAlias);

  EXPECT_FALSE(lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.16.down_proj.weight"));
  EXPECT_FALSE(lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.x.down_proj.weight"));
  EXPECT_FALSE(lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.{e}.down_proj.weight"));
}

TEST_F(TinyModel, LooksUpPlainAndAliases) {
  std::optional<CheckpointTensor> bias = lookupCheckpointTensor(
      model, "model.layers.1.mlp.gate.e_score_correction_bias");
  ASSERT_TRUE(bias.has_value());
  EXPECT_TRUE(bias->elementType.isF32());
  EXPECT_FALSE(bias->expert.has_value());

  // The MTP module (layer 3) stores copies of the shared embedding and head.
  std::optional<CheckpointTensor> embed =
      lookupCheckpointTensor(model, "model.layers.3.embed_tokens.weight");
  ASSERT_TRUE(embed.has_value());
  EXPECT_TRUE(embed->isAlias);
  EXPECT_EQ(embed->parameterName, "model.embed_tokens.weight");
  std::optional<CheckpointTensor> head =
      lookupCheckpointTensor(model, "model.layers.3.shared_head.head.weight");
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->parameterName, "lm_head.weight");
  EXPECT_EQ(head->shape, (llvm::SmallVector<int64_t>{512, 256}));

  EXPECT_FALSE(lookupCheckpointTensor(model, "model.layers.9.mlp.gate.weight"));
}

TEST_F(TinyModel, EnumeratesEveryCheckpointTensor) {
  int64_t tensors = 0, experts = 0, aliases = 0;
  forEachCheckpointTensor(model, [&](const CheckpointTensor &tensor) {
    ++tensors;
    experts += tensor.expert.has_value();
    aliases += tensor.isAlias;
    // Every enumerated name maps back to the same binding.
    std::optional<CheckpointTensor> back =
        lookupCheckpointTensor(model, tensor.name);
    ASSERT_TRUE(back.has_value()) << tensor.name;
    EXPECT_EQ(back->parameterName, tensor.parameterName);
    EXPECT_EQ(back->expert, tensor.expert);
  });
  // Per MoE layer (layers 1, 2 and the MTP block 3): 3 stacked x 16 experts.
  EXPECT_EQ(experts, 3 * 3 * 16);
  EXPECT_EQ(aliases, 2);
  // Plain tensors: embed, norm, head; per layer 2 norms + 7 MLA tensors;
  // dense MLP 3; per MoE 2 gate + 3 shared; MTP enorm/hnorm/eh_proj and
  // shared_head.norm.
  int64_t plain = 3 + 4 * (2 + 7) + 3 + 3 * (2 + 3) + 4;
  EXPECT_EQ(tensors, plain + experts + aliases);
}

// After dsc-fp8-quantize the block scales are checkpoint tensors of their
// own, one per expert for stacked experts, bound both ways.
TEST_F(TinyModel, BindsFP8BlockScales) {
  mlir::PassManager pm(&context);
  pm.nest<ModelOp>().addPass(createDscFP8Quantize());
  ASSERT_TRUE(mlir::succeeded(pm.run(*module)));
  std::optional<CheckpointTensor> scales = lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.7.down_proj.weight_scale_inv");
  ASSERT_TRUE(scales.has_value());
  EXPECT_EQ(scales->parameterName,
            "model.layers.2.mlp.experts.{e}.down_proj.weight_scale_inv");
  EXPECT_EQ(scales->expert, 7);
  EXPECT_EQ(scales->shape, (llvm::SmallVector<int64_t>{2, 1}));
  EXPECT_TRUE(scales->elementType.isF32());
  std::optional<CheckpointTensor> weight = lookupCheckpointTensor(
      model, "model.layers.2.mlp.experts.7.down_proj.weight");
  ASSERT_TRUE(weight.has_value());
  EXPECT_TRUE(isa<mlir::Float8E4M3FNType>(weight->elementType));

  int64_t scaleTensors = 0;
  forEachCheckpointTensor(model, [&](const CheckpointTensor &tensor) {
    scaleTensors += llvm::StringRef(tensor.name).ends_with(kScaleInvSuffix);
  });
  // 3 MoE layers x 16 experts x 3, plus 4 MLAs x 5, the dense MLP's 3,
  // 3 shared experts x 3 and eh_proj.
  EXPECT_EQ(scaleTensors, 3 * 16 * 3 + 4 * 5 + 3 + 3 * 3 + 1);
}

// A norm without its own eps uses the model's rms_norm_eps.
TEST_F(TinyModel, NormsUseTheModelEps) {
  int norms = 0;
  model.walk([&](RMSNormOp norm) {
    ++norms;
    EXPECT_DOUBLE_EQ(norm.getEffectiveEps(), 1e-6);
  });
  EXPECT_EQ(norms, 4 * 2 + 2); // two per block, the final and the MTP norm
  EXPECT_EQ(model.getInputIds(), model.getBody().getArgument(0));
}

} // namespace
