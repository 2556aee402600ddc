//===- FP8QuantizeBenchmark.cpp - dsc-fp8-quantize on DeepSeek-V3 ---------===//
//
// The pass on the imported V3 model, in process: with the verifier after it
// (what dsc-opt runs) and without. Each iteration works on a fresh copy of
// the BF16 model, made and destroyed outside the timing.
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/Import/ImportModel.h"
#include "dsc/Transforms/Passes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include <benchmark/benchmark.h>

static void runFP8Quantize(benchmark::State &state, bool verify) {
  mlir::MLIRContext context;
  mlir::OwningOpRef<mlir::ModuleOp> v3 = dsc::loadModel(
      DSC_SOURCE_DIR "/examples/deepseek-v3/config.json", &context);
  if (!v3) {
    state.SkipWithError("cannot import DeepSeek-V3");
    return;
  }
  for (auto _ : state) {
    state.PauseTiming();
    mlir::OwningOpRef<mlir::ModuleOp> module = v3->clone();
    mlir::PassManager pm(&context);
    pm.enableVerifier(verify);
    pm.nest<dsc::ModelOp>().addPass(dsc::createDscFP8Quantize());
    state.ResumeTiming();
    if (mlir::failed(pm.run(*module))) {
      state.SkipWithError("dsc-fp8-quantize failed");
      return;
    }
    state.PauseTiming();
    module = nullptr;
    state.ResumeTiming();
  }
}

static void BM_FP8QuantizeDeepSeekV3(benchmark::State &state) {
  runFP8Quantize(state, /*verify=*/true);
}
BENCHMARK(BM_FP8QuantizeDeepSeekV3)->Unit(benchmark::kMillisecond);

static void BM_FP8QuantizeDeepSeekV3NoVerify(benchmark::State &state) {
  runFP8Quantize(state, /*verify=*/false);
}
BENCHMARK(BM_FP8QuantizeDeepSeekV3NoVerify)->Unit(benchmark::kMillisecond);
