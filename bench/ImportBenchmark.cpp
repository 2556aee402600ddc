//===- ImportBenchmark.cpp - import, verify and print DeepSeek-V3 ---------===//
//
// In-process cost of the `dsc import` pipeline on the real V3 config, and of
// re-reading the printed IR (parse + verify + print, what dsc-opt does).
//
//===----------------------------------------------------------------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/Import/ImportModel.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"
#include <benchmark/benchmark.h>

static const char *kV3Config =
    DSC_SOURCE_DIR "/examples/deepseek-v3/config.json";

/// read config.json -> build -> verify -> print.
static void BM_ImportDeepSeekV3(benchmark::State &state) {
  for (auto _ : state) {
    mlir::MLIRContext context;
    llvm::Expected<dsc::ModelConfig> config = dsc::readModelConfig(kV3Config);
    if (!config) {
      state.SkipWithError(llvm::toString(config.takeError()).c_str());
      return;
    }
    mlir::OwningOpRef<mlir::ModuleOp> module =
        dsc::importModel(*config, &context, {});
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    benchmark::DoNotOptimize(text.data());
    state.counters["bytes"] = text.size();
  }
}
BENCHMARK(BM_ImportDeepSeekV3)->Unit(benchmark::kMillisecond);

/// parse the printed V3 IR -> verify -> print.
static void BM_ParseVerifyPrintDeepSeekV3(benchmark::State &state) {
  std::string ir;
  {
    mlir::MLIRContext context;
    llvm::raw_string_ostream os(ir);
    dsc::loadModel(kV3Config, &context)->print(os);
  }
  for (auto _ : state) {
    mlir::MLIRContext context;
    context.getOrLoadDialect<dsc::DscDialect>();
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(ir, &context);
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_ParseVerifyPrintDeepSeekV3)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
