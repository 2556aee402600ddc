//===- Tokens.h - token-id kernels ------------------------------*- C++ -*-===//

#ifndef DSC_KERNELS_CPU_TOKENS_H
#define DSC_KERNELS_CPU_TOKENS_H

#include <cstdint>

namespace dsc::kernels::cpu {

/// out[i] = in[i + offset] within each `seq`-token sequence; the last
/// `offset` positions of a sequence get `fill` (MTP depth k reads the ids
/// and labels k positions ahead; labels are filled with the ignored label).
/// `tokens` must be a multiple of `seq` and 0 <= offset < seq.
void shiftTokens(const int32_t *in, int32_t *out, int64_t tokens, int64_t seq,
                 int64_t offset, int32_t fill);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_TOKENS_H
