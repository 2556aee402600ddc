//===- AttrsTest.cpp - hyper-parameter attribute helpers ------------------===//

#include "dsc/IR/DscAttrs.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"
#include <cmath>

using namespace dsc;
using llvm::APFloat;

namespace {

YarnAttr makeYarn(mlir::MLIRContext &context, double factor,
                  double mscaleAllDim) {
  return YarnAttr::get(&context, APFloat(factor), 4096, APFloat(32.0),
                       APFloat(1.0), APFloat(1.0), APFloat(mscaleAllDim));
}

TEST(MLAAttr, DefaultSoftmaxScale) {
  mlir::MLIRContext context;
  context.getOrLoadDialect<DscDialect>();
  // No YaRN: (128 + 64)^-0.5.
  EXPECT_NEAR(MLAAttr::getDefaultSoftmaxScale(192, YarnAttr()),
              1.0 / std::sqrt(192.0), 1e-12);
  // DeepSeek-V3: (1 + 0.1 ln 40)^2 / sqrt(192) = 1.368888^2 * 0.0721688.
  YarnAttr v3 = makeYarn(context, 40.0, 1.0);
  EXPECT_NEAR(v3.getAttentionScale(), 1.3688879, 1e-6);
  EXPECT_NEAR(MLAAttr::getDefaultSoftmaxScale(192, v3), 0.1352338, 1e-6);
  // factor 1 means no extension and no logit scaling.
  EXPECT_DOUBLE_EQ(makeYarn(context, 1.0, 1.0).getAttentionScale(), 1.0);
  // mscale_all_dim 0 (HuggingFace's default) leaves the logits unscaled.
  EXPECT_DOUBLE_EQ(makeYarn(context, 40.0, 0.0).getAttentionScale(), 1.0);
}

TEST(MoEAttr, GroupHelpers) {
  mlir::MLIRContext context;
  context.getOrLoadDialect<DscDialect>();
  auto moe = MoEAttr::get(&context, 256, 1, 8, 2048, ScoringFunc::sigmoid,
                          TopkMethod::noaux_tc, 8, 4, APFloat(2.5), true, true,
                          APFloat(0.001), APFloat(0.0001));
  EXPECT_EQ(moe.getExpertsPerGroup(), 32);
  EXPECT_TRUE(moe.isGroupLimited());
}

// The logical -> replicas map is derived from phy2log.
TEST(ExpertPlacementAttr, ReplicasOfAnExpert) {
  mlir::MLIRContext context;
  context.getOrLoadDialect<DscDialect>();
  auto placement =
      ExpertPlacementAttr::get(&context, /*gpus=*/2, /*nodes=*/1, APFloat(1.0),
                               llvm::ArrayRef<int64_t>{0, 2, 1, 0, 3, 1},
                               llvm::ArrayRef<int64_t>{2, 2, 1, 1});
  EXPECT_EQ(placement.getSlotsPerGPU(), 3);
  EXPECT_EQ(placement.getReplicas(0), (llvm::SmallVector<int64_t>{0, 3}));
  EXPECT_EQ(placement.getReplicas(3), (llvm::SmallVector<int64_t>{4}));
}

} // namespace
