//===- ConfigFuzzer.cpp - fuzz the HuggingFace config importer ------------===//
//
// `dsc import`: parse and type-check a config.json, then build and verify the
// dsc.model it describes. Models of more than kMaxLayers layers are only
// parsed: building a block per layer of a 16M-layer config measures memory,
// not correctness.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "dsc/Import/ImportModel.h"

static constexpr int64_t kMaxLayers = 16;
static constexpr size_t kMaxInput = 64 * 1024;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > kMaxInput)
    return 0;
  llvm::Expected<dsc::ModelConfig> config =
      dsc::parseModelConfig(dsc::fuzz::text(data, size), "config.json");
  if (!config) {
    llvm::consumeError(config.takeError());
    return 0;
  }
  if (config->numHiddenLayers + config->numNextnPredictLayers > kMaxLayers)
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      dsc::importModel(*config, &dsc::fuzz::context(), {});
  return 0;
}
