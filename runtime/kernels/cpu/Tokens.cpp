//===- Tokens.cpp - token-id kernels --------------------------------------===//

#include "dsc/kernels/cpu/Tokens.h"
#include <stdexcept>
#include <string>

namespace dsc::kernels::cpu {

void shiftTokens(const int32_t *in, int32_t *out, int64_t tokens, int64_t seq,
                 int64_t offset, int32_t fill) {
  if (seq <= 0 || offset < 0 || offset >= seq || tokens % seq != 0)
    throw std::invalid_argument(
        "shift: needs tokens (" + std::to_string(tokens) +
        ") a multiple of seq (" + std::to_string(seq) + ") and 0 <= offset (" +
        std::to_string(offset) + ") < seq");
  for (int64_t start = 0; start < tokens; start += seq)
    for (int64_t i = 0; i < seq; ++i)
      out[start + i] = i + offset < seq ? in[start + i + offset] : fill;
}

} // namespace dsc::kernels::cpu
