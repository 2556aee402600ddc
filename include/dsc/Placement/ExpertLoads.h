//===- ExpertLoads.h - expert-load statistics -------------------*- C++ -*-===//
//
// Per MoE layer, the load (tokens routed) of each logical expert. Files:
//   JSON: {"loads": [[layer 0: one number per expert], [layer 1], ...]}
//   CSV:  one line per layer, comma-separated numbers ('#' starts a comment)
// and a generator of synthetic loads for tests and benchmarks.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLACEMENT_EXPERTLOADS_H
#define DSC_PLACEMENT_EXPERTLOADS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdint>
#include <vector>

namespace dsc {

struct ExpertLoads {
  std::vector<std::vector<double>> layers;
};

/// Parses loads in JSON or CSV (JSON when the text starts with '{'); errors
/// name `fileName`, the layer or line and what was expected. Every layer must
/// have the same number of experts and no negative or non-finite load.
llvm::Expected<ExpertLoads> parseExpertLoads(llvm::StringRef text,
                                             llvm::StringRef fileName);
llvm::Expected<ExpertLoads> readExpertLoads(llvm::StringRef path);

enum class LoadDistribution { Uniform, Zipf };

/// `layers` x `experts` loads of `tokens` tokens each: uniform, or Zipf with
/// exponent `s` over a per-layer random permutation (seed + layer).
ExpertLoads generateExpertLoads(int64_t layers, int64_t experts,
                                LoadDistribution distribution, double s,
                                unsigned seed, double tokens = 1e6);

/// Writes `{"loads": [...]}`.
void writeExpertLoadsJSON(const ExpertLoads &loads, llvm::raw_ostream &os);

} // namespace dsc

#endif // DSC_PLACEMENT_EXPERTLOADS_H
