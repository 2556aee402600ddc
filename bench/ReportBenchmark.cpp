//===- ReportBenchmark.cpp - every analysis of DeepSeek-V3 ----------------===//
//
// In-process cost of `dsc report` on the real V3 config with DeepSeek's
// setup: import, cluster, run, and all analyses (params, FLOPs, KV cache,
// memory, communication, step time) rendered as JSON.
//
//===----------------------------------------------------------------------===//

#include "dsc/Analysis/Report.h"
#include "dsc/Import/ClusterImport.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Import/RunOptions.h"
#include "mlir/IR/MLIRContext.h"
#include <benchmark/benchmark.h>

static void BM_ReportDeepSeekV3(benchmark::State &state) {
  for (auto _ : state) {
    mlir::MLIRContext context;
    auto module = dsc::loadModel(
        DSC_SOURCE_DIR "/examples/deepseek-v3/config.json", &context);
    mlir::OpBuilder builder(module->getBody(), module->getBody()->end());
    auto cluster = dsc::importCluster("h800x2048", builder);
    dsc::RunOptions options;
    options.pp = 16;
    options.ep = 64;
    options.globalBatch = 15360;
    options.recipe = dsc::Precision::fp8;
    options.schedule = dsc::PipelineSchedule::dualpipe;
    auto model = *module->getOps<dsc::ModelOp>().begin();
    auto run = dsc::createRun(builder, builder.getUnknownLoc(), model, *cluster,
                              options);
    if (failed(run)) {
      state.SkipWithError("the run does not verify");
      return;
    }
    dsc::RunReport report(*run, 14.8e12);
    llvm::json::Value json = report.toJSON();
    benchmark::DoNotOptimize(&json);
  }
}
BENCHMARK(BM_ReportDeepSeekV3)->Unit(benchmark::kMillisecond);
