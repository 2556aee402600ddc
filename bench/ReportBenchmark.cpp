//===- ReportBenchmark.cpp - every analysis of DeepSeek-V3 ----------------===//
//
// In-process cost of `dsc report` on the real V3 config with DeepSeek's
// setup: import, cluster, run, and all analyses (params, FLOPs, KV cache,
// memory, communication, step time) rendered as JSON.
//
//===----------------------------------------------------------------------===//

#include "DeepSeekV3Run.h"
#include "dsc/Report/Report.h"
#include "dsc/Run/ResolvedRun.h"
#include "mlir/IR/MLIRContext.h"
#include <benchmark/benchmark.h>

static void BM_ReportDeepSeekV3(benchmark::State &state) {
  for (auto _ : state) {
    mlir::MLIRContext context;
    auto module = dsc::loadModel(
        DSC_SOURCE_DIR "/examples/deepseek-v3/config.json", &context);
    dsc::RunOptions options = dsc::bench::deepSeekV3Options();
    options.globalBatch = 15360;
    auto run = dsc::bench::addDeepSeekV3Run(*module, options);
    if (failed(run)) {
      state.SkipWithError("the run does not verify");
      return;
    }
    mlir::FailureOr<dsc::ResolvedRun> resolved = dsc::resolveRun(*run);
    if (failed(resolved)) {
      state.SkipWithError("the run does not resolve");
      return;
    }
    dsc::RunReport report(*resolved, 14.8e12);
    llvm::json::Value json = report.toJSON();
    benchmark::DoNotOptimize(&json);
  }
}
BENCHMARK(BM_ReportDeepSeekV3)->Unit(benchmark::kMillisecond);
