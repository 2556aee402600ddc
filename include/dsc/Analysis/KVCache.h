//===- KVCache.h - KV cache size of a dsc.model -----------------*- C++ -*-===//
//
// What inference caches per token: MLA's latent (`kv_lora_rank`) plus the
// shared RoPE key per layer, against what standard multi-head attention with
// the same heads would cache (a key and a value per head).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_KVCACHE_H
#define DSC_ANALYSIS_KVCACHE_H

#include "mlir/IR/Operation.h"
#include <cstdint>

namespace dsc {

class KVCacheAnalysis {
public:
  /// `model` must be a verified `dsc.model`; MTP modules are not counted.
  explicit KVCacheAnalysis(mlir::Operation *model);

  /// Cached values per token over all layers.
  int64_t latentValuesPerToken() const { return latent; }
  int64_t multiHeadValuesPerToken() const { return multiHead; }

  int64_t latentBytesPerToken(int64_t bytesPerValue) const {
    return latent * bytesPerValue;
  }
  int64_t multiHeadBytesPerToken(int64_t bytesPerValue) const {
    return multiHead * bytesPerValue;
  }
  /// How many times smaller the latent cache is.
  double compressionRatio() const {
    return latent ? static_cast<double>(multiHead) / latent : 0;
  }

private:
  int64_t latent = 0;
  int64_t multiHead = 0;
};

} // namespace dsc

#endif // DSC_ANALYSIS_KVCACHE_H
