//===- BF16.cpp - shapes --------------------------------------------------===//

#include "dsc/kernels/cpu/Tensor.h"

namespace dsc::kernels::cpu {

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t dim : shape)
    n *= dim;
  return n;
}

} // namespace dsc::kernels::cpu
