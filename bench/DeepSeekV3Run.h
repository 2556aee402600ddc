//===- DeepSeekV3Run.h - DeepSeek's training setup for benchmarks -*- C++
//-*-===//

#ifndef DSC_BENCH_DEEPSEEKV3RUN_H
#define DSC_BENCH_DEEPSEEKV3RUN_H

#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Run/RunOptions.h"

namespace dsc::bench {

/// PP16, EP64, FP8, DualPipe (DeepSeek-V3 §3): callers set the batch.
inline RunOptions deepSeekV3Options() {
  RunOptions options;
  options.pp = 16;
  options.ep = 64;
  options.recipe = Precision::fp8;
  options.schedule = ScheduleKind::dualpipe;
  return options;
}

/// The module's model on h800x2048 under `options`.
inline mlir::FailureOr<RunOp> addDeepSeekV3Run(mlir::ModuleOp module,
                                               const RunOptions &options) {
  mlir::OpBuilder builder(module.getBody(), module.getBody()->end());
  mlir::FailureOr<ClusterOp> cluster = importCluster("h800x2048", builder);
  if (mlir::failed(cluster))
    return mlir::failure();
  auto model = *module.getOps<ModelOp>().begin();
  return createRun(builder, builder.getUnknownLoc(), model, *cluster, options);
}

} // namespace dsc::bench

#endif // DSC_BENCH_DEEPSEEKV3RUN_H
