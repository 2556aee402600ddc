//===- ModelConfig.h - HuggingFace config.json of DeepSeek models -*- C++
//-*-===//
//
// The hyper-parameters of a DeepSeek-V2/V3-family `config.json`, read and
// type-checked with the HuggingFace key names and defaults. Range and
// consistency checks are the dialect verifiers' job.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IMPORT_MODELCONFIG_H
#define DSC_IMPORT_MODELCONFIG_H

#include "dsc/Import/JSONKeys.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>

namespace dsc {

/// `rope_scaling` with `type: yarn`.
struct YarnConfig {
  double factor = 1.0;
  int64_t originalMaxPositionEmbeddings = 0;
  double betaFast = 32.0;
  double betaSlow = 1.0;
  double mscale = 1.0;
  double mscaleAllDim = 0.0;
};

struct ModelConfig {
  /// Where it was read from, and the line of each key there (for diagnostics
  /// on the IR built from it).
  std::string fileName;
  KeyLines keyLines;

  std::string modelType; // deepseek_v2 or deepseek_v3
  std::string torchDtype;

  int64_t vocabSize = 0;
  int64_t hiddenSize = 0;
  int64_t intermediateSize = 0;
  int64_t numHiddenLayers = 0;
  int64_t firstKDenseReplace = 0;
  int64_t moeLayerFreq = 1;
  int64_t maxPositionEmbeddings = 0;
  double rmsNormEps = 0;
  int64_t numNextnPredictLayers = 0;

  // MLA.
  int64_t numAttentionHeads = 0;
  int64_t qLoraRank = 0; // 0: full query projection (null in the JSON)
  int64_t kvLoraRank = 0;
  int64_t qkNopeHeadDim = 0;
  int64_t qkRopeHeadDim = 0;
  int64_t vHeadDim = 0;
  double ropeTheta = 10000.0;
  std::optional<YarnConfig> yarn;

  // MoE; nRoutedExperts == 0 means every layer is dense.
  int64_t nRoutedExperts = 0;
  int64_t nSharedExperts = 0;
  int64_t numExpertsPerTok = 0;
  int64_t moeIntermediateSize = 0;
  std::string scoringFunc;
  std::string topkMethod;
  int64_t nGroup = 1;
  int64_t topkGroup = 1;
  double routedScalingFactor = 1.0;
  bool normTopkProb = false;
  double auxLossAlpha = 0.0;

  /// Whether decoder layer `index` uses an MoE (HuggingFace's rule).
  bool isMoELayer(int64_t index) const;
};

/// Parses and type-checks `json`; errors name `fileName`, the key and what
/// was expected.
llvm::Expected<ModelConfig> parseModelConfig(llvm::StringRef json,
                                             llvm::StringRef fileName);

/// Reads and parses the file at `path`.
llvm::Expected<ModelConfig> readModelConfig(llvm::StringRef path);

} // namespace dsc

#endif // DSC_IMPORT_MODELCONFIG_H
