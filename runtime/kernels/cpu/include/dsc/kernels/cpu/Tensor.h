//===- Tensor.h - BF16 storage and shapes for the CPU kernels ---*- C++ -*-===//
//
// The kernels compute in FP32 over raw row-major pointers. BF16 is a storage
// format only: the executor converts at kernel boundaries with these helpers
// (round to nearest, ties to even, as PyTorch and the hardware do).
//
// Conventions shared by every kernel in this library:
//  - Sizes are explicit arguments; the plan validator checks them, so kernels
//    trust sizes but check data they cannot trust (token ids, labels, expert
//    ids, offsets) and throw std::out_of_range / std::invalid_argument.
//  - Gradients of parameters (embedding table, norm weight, linear weights)
//    accumulate (+=) so micro-batches add up in one buffer; gradients of
//    activations are written (=).
//  - Results are deterministic: every reduction has a fixed order that does
//    not depend on the thread count.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_TENSOR_H
#define DSC_KERNELS_CPU_TENSOR_H

#include "dsc/numerics/HalfFloat.h"
#include <cstdint>
#include <vector>

namespace dsc::kernels::cpu {

/// A row-major shape, outermost dimension first.
using Shape = std::vector<int64_t>;

/// Product of the dimensions (1 for a scalar).
int64_t numElements(const Shape &shape);

// BF16 storage: round to nearest even, NaN stays a (quiet) NaN; the
// numerics library has the one implementation the runtime shares.
using numerics::bf16ToFloat;
using numerics::floatToBF16;

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_TENSOR_H
