//===- RunFixture.h - a model, a cluster and a run for tests ----*- C++ -*-===//

#ifndef DSC_TEST_UNIT_ANALYSIS_RUNFIXTURE_H
#define DSC_TEST_UNIT_ANALYSIS_RUNFIXTURE_H

#include "ExampleModel.h"
#include "dsc/Analysis/RunSetup.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include <optional>

namespace dsc {

/// Imports a bundled example, adds a cluster preset and a verified run.
class RunFixture : public ExampleModel {
protected:
  struct Options {
    RunMode mode = RunMode::training;
    int64_t seqLen = 128, microBatch = 2, microBatches = 4;
    int64_t pp = 2, ep = 4, dp = 4, zero = 1;
    Precision recipe = Precision::bf16;
    MomentType moments = MomentType::fp32;
    bool recompute = false;
    PipelineSchedule schedule = PipelineSchedule::one_f_one_b;
    /// Megatron's layout syntax; empty: the even split.
    std::string layout;
    /// Runs dsc-fp8-quantize with these options on the model first.
    std::optional<DscFP8QuantizeOptions> fp8Quantize;
  };

  /// `cluster`: a preset name or a cluster JSON file.
  RunSetup setUpRun(llvm::StringRef example, llvm::StringRef cluster,
                    const Options &o) {
    ModelOp model = load(example);
    if (o.fp8Quantize) {
      mlir::PassManager pm(&context);
      pm.nest<ModelOp>().addPass(createDscFP8Quantize(*o.fp8Quantize));
      EXPECT_TRUE(mlir::succeeded(pm.run(*module)));
    }
    mlir::OpBuilder b(module->getBody(), module->getBody()->end());
    mlir::FailureOr<ClusterOp> clusterOp = importCluster(cluster, b);
    EXPECT_TRUE(mlir::succeeded(clusterOp));
    auto run = RunOp::create(
        b, b.getUnknownLoc(), "run", model.getSymName(),
        clusterOp->getSymName(), o.mode, o.seqLen, o.microBatch, o.microBatches,
        o.pp, o.ep, o.dp, o.zero, o.recipe, o.moments, o.recompute, o.schedule,
        /*layout=*/nullptr);
    if (!o.layout.empty()) {
      mlir::FailureOr<PipelineLayoutAttr> layout =
          PipelineLayoutAttr::parseMegatron(b.getContext(), o.layout, [&] {
            return mlir::emitError(b.getUnknownLoc());
          });
      EXPECT_TRUE(mlir::succeeded(layout)) << o.layout;
      if (mlir::succeeded(layout))
        run.setLayoutAttr(*layout);
    }
    EXPECT_TRUE(mlir::succeeded(mlir::verify(*module)));
    return resolveRun(run);
  }
};

} // namespace dsc

#endif // DSC_TEST_UNIT_ANALYSIS_RUNFIXTURE_H
