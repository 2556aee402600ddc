//===- Init.cpp - deterministic random initialization ---------------------===//

#include "dsc/exec/Init.h"
#include "dsc/exec/ParameterTensors.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace dsc::exec {
namespace {

uint64_t fnv1a(const std::string &text) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

std::vector<float> initialTensor(const std::string &name,
                                 const std::vector<int64_t> &shape,
                                 uint64_t seed) {
  int64_t n = plan::numElements(shape).value_or(0);
  // FP8 block scales (`<weight>_scale_inv`) start neutral.
  if (endsWith(name, "_scale_inv"))
    return std::vector<float>(n, 1.0f);
  if (shape.size() == 1)
    return std::vector<float>(n, endsWith(name, "bias") ? 0.0f : 1.0f);
  if (shape.size() < 2)
    return std::vector<float>(n, 0.0f);
  std::vector<float> values(n);
  std::mt19937_64 rng(splitmix64(seed ^ fnv1a(name)));
  const double twoPi = 6.283185307179586476925;
  for (int64_t i = 0; i < n; ++i) {
    // Uniforms in (0, 1] from the top 53 bits, so log never sees 0.
    double u1 = double((rng() >> 11) + 1) * 0x1.0p-53;
    double u2 = double(rng() >> 11) * 0x1.0p-53;
    double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(twoPi * u2);
    values[i] = static_cast<float>(kInitStd * z);
  }
  return values;
}

void initParameters(const plan::Plan &plan, const plan::Rank &rank,
                    BufferSet &buffers, uint64_t seed) {
  std::set<int32_t> held;
  for (const plan::Buffer &b : rank.buffers)
    if (b.role == plan::BufferRole::parameter)
      held.insert(b.parameter);
  for (int32_t p : held) {
    const plan::Parameter &param = plan.parameters[p];
    std::vector<float> values(plan::numElements(param.shape).value_or(0));
    for (const ParameterTensor &t : parameterTensors(param)) {
      std::vector<float> part = initialTensor(t.name, t.shape, seed);
      std::copy(part.begin(), part.end(), values.begin() + t.offset);
    }
    writeParameter(plan, rank, buffers, p, values);
  }
}

} // namespace dsc::exec
