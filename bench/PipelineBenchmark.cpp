//===- PipelineBenchmark.cpp - partition, schedule, simulate V3 -----------===//
//
// DeepSeek-V3 with DeepSeek's pipeline setup (PP16, 64 micro-batches,
// DualPipe, EP64, FP8 on h800x2048): dsc-pipeline-partition (auto, priced
// by the cost model, compared with the even split in simulation) and
// dsc-pipeline-schedule (every rank's program in IR, simulated) per
// iteration, on a module imported once.
//
//===----------------------------------------------------------------------===//

#include "DeepSeekV3Run.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include <benchmark/benchmark.h>

static void BM_PipelineDeepSeekV3(benchmark::State &state) {
  mlir::MLIRContext context;
  // The passes' remarks are not what is measured.
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  auto module = dsc::loadModel(
      DSC_SOURCE_DIR "/examples/deepseek-v3/config.json", &context);
  dsc::RunOptions options = dsc::bench::deepSeekV3Options();
  options.microBatches = 64;
  if (failed(dsc::bench::addDeepSeekV3Run(*module, options))) {
    state.SkipWithError("the run does not verify");
    return;
  }
  mlir::PassManager manager(&context);
  manager.addPass(dsc::createDscPipelinePartition());
  manager.addPass(dsc::createDscPipelineSchedule());
  for (auto _ : state)
    if (failed(manager.run(*module))) {
      state.SkipWithError("the pipeline passes failed");
      return;
    }
}
BENCHMARK(BM_PipelineDeepSeekV3)->Unit(benchmark::kMillisecond);
