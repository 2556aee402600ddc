//===- Init.h - deterministic random initialization -------------*- C++ -*-===//
//
// `dsc-run --init SEED` starts from random weights that depend only on the
// seed and each checkpoint tensor's name (ParameterTensors.h), never on the
// buffer order, the plan's layout or the expert placement, so every plan of
// one model starts from the same model. Per tensor:
//   named "..._scale_inv" (FP8 block scales)            ones
//   rank >= 2 (embeddings, projections, expert stacks)  normal(0, 0.02)
//   rank 1 named "...bias" (the routing bias)           zeros
//   other rank 1 (norm weights)                          ones
//   scalars                                              zero
// The normal samples come from a std::mt19937_64 (a sequence the C++
// standard fixes) seeded with splitmix64(seed ^ FNV-1a(name)) and
// Box-Muller, so they do not depend on the standard library's
// normal_distribution either.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_INIT_H
#define DSC_EXEC_INIT_H

#include "dsc/exec/Buffers.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dsc::exec {

inline constexpr float kInitStd = 0.02f;

/// The initial values of one checkpoint tensor.
std::vector<float> initialTensor(const std::string &name,
                                 const std::vector<int64_t> &shape,
                                 uint64_t seed);

/// Initializes every parameter `rank` holds (and its master weights).
void initParameters(const plan::Plan &plan, const plan::Rank &rank,
                    BufferSet &buffers, uint64_t seed);

} // namespace dsc::exec

#endif // DSC_EXEC_INIT_H
