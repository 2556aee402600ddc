//===- RunFixture.h - a model, a cluster and a run for tests ----*- C++ -*-===//

#ifndef DSC_TEST_UNIT_RUNFIXTURE_H
#define DSC_TEST_UNIT_RUNFIXTURE_H

#include "ExampleModel.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Run/ResolvedRun.h"
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
    ScheduleKind schedule = ScheduleKind::one_f_one_b;
    /// Megatron's layout syntax; empty: the even split.
    std::string layout;
    /// Runs dsc-fp8-quantize with these options on the model first.
    std::optional<DscFP8QuantizeOptions> fp8Quantize;
  };

  /// `cluster`: a preset name or a cluster JSON file.
  ResolvedRun setUpRun(llvm::StringRef example, llvm::StringRef cluster,
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
    auto mesh = MeshOp::create(b, b.getUnknownLoc(), "mesh",
                               clusterOp->getSymName(), o.pp, o.dp, o.ep);
    auto run = RunOp::create(
        b, b.getUnknownLoc(), "run", model.getSymName(), mesh.getSymName(),
        o.mode, o.seqLen, o.microBatch, o.microBatches, o.zero, o.recipe,
        o.moments, o.recompute, o.schedule, /*virtual_stages=*/nullptr,
        /*layout=*/nullptr, /*dispatch=*/nullptr, /*combined=*/false);
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
    mlir::FailureOr<ResolvedRun> resolved = resolveRun(run);
    EXPECT_TRUE(mlir::succeeded(resolved));
    return std::move(*resolved);
  }
};

} // namespace dsc

#endif // DSC_TEST_UNIT_RUNFIXTURE_H
