//===- GroupedLinear.cpp - one linear per expert's row segment ------------===//
//
// Both forms run the dense kernels (Linear.cpp, FP8Linear.cpp) on each
// expert's segment, so a grouped linear is exactly its experts' linears.
//
//===----------------------------------------------------------------------===//

#include "dsc/kernels/cpu/MoE.h"
#include <stdexcept>

namespace dsc::kernels::cpu {
namespace {

/// Calls fn(e, firstRow, rows) for every expert with rows, after checking the
/// offsets (data, not plan: they come from dispatch). Skipping empty groups
/// leaves their dw exact (a K = 0 GEMM would still scale it by beta) and
/// never quantizes an empty tensor.
template <typename Fn>
void forEachGroup(const int32_t *offsets, int64_t numExperts,
                  int64_t blocksPerExpert, Fn fn) {
  if (blocksPerExpert < 1)
    throw std::invalid_argument("grouped_linear: blocks per expert must be "
                                "at least 1");
  int64_t blocks = numExperts * blocksPerExpert;
  if (offsets[0] != 0)
    throw std::invalid_argument("grouped_linear: offsets must start at 0");
  for (int64_t b = 0; b < blocks; ++b)
    if (offsets[b + 1] < offsets[b])
      throw std::invalid_argument("grouped_linear: offsets must not decrease");
  for (int64_t b = 0; b < blocks; ++b)
    if (int64_t rows = offsets[b + 1] - offsets[b])
      fn(b / blocksPerExpert, int64_t(offsets[b]), rows);
}

} // namespace

void groupedLinearForward(const float *x, const int32_t *offsets,
                          const float *w, float *y, int64_t numExperts,
                          int64_t in, int64_t out,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    linearForward(x + r0 * in, w + e * out * in, y + r0 * out, n, in, out);
  });
}

void groupedLinearBackwardInput(const float *dy, const int32_t *offsets,
                                const float *w, float *dx, int64_t numExperts,
                                int64_t in, int64_t out,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    linearBackwardInput(dy + r0 * out, w + e * out * in, dx + r0 * in, n, in,
                        out);
  });
}

void groupedLinearBackwardWeight(const float *dy, const float *x,
                                 const int32_t *offsets, float *dw,
                                 int64_t numExperts, int64_t in, int64_t out,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    linearBackwardWeight(dy + r0 * out, x + r0 * in, dw + e * out * in, n, in,
                         out);
  });
}

void fp8GroupedLinearForward(const float *x, const int32_t *offsets,
                             const float *w, float *y, int64_t numExperts,
                             int64_t in, int64_t out,
                             const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    fp8LinearForward(x + r0 * in, w + e * out * in, y + r0 * out, n, in, out,
                     attrs);
  });
}

void fp8GroupedLinearBackwardInput(const float *dy, const int32_t *offsets,
                                   const float *w, float *dx,
                                   int64_t numExperts, int64_t in, int64_t out,
                                   const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    fp8LinearBackwardInput(dy + r0 * out, w + e * out * in, dx + r0 * in, n, in,
                           out, attrs);
  });
}

void fp8GroupedLinearBackwardWeight(const float *dy, const float *x,
                                    const int32_t *offsets, float *dw,
                                    int64_t numExperts, int64_t in, int64_t out,
                                    const FP8LinearAttrs &attrs,
    int64_t blocksPerExpert) {
  forEachGroup(offsets, numExperts, blocksPerExpert, [&](int64_t e, int64_t r0, int64_t n) {
    fp8LinearBackwardWeight(dy + r0 * out, x + r0 * in, dw + e * out * in, n,
                            in, out, attrs);
  });
}

} // namespace dsc::kernels::cpu
