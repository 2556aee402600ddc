//===- Elementwise.h - swiglu, add, concat and split ------------*- C++ -*-===//

#ifndef DSC_KERNELS_CPU_ELEMENTWISE_H
#define DSC_KERNELS_CPU_ELEMENTWISE_H

#include "dsc/kernels/cpu/Tensor.h"
#include <cstdint>

namespace dsc::kernels::cpu {

//===-- swiglu ------------------------------------------------------------===//

/// y = silu(gate) * up over n elements.
void swigluForward(const float *gate, const float *up, float *y, int64_t n);
void swigluBackward(const float *dy, const float *gate, const float *up,
                    float *dgate, float *dup, int64_t n);

//===-- add ---------------------------------------------------------------===//

void addForward(const float *a, const float *b, float *y, int64_t n);
/// da = dy and db = dy (either may be null).
void addBackward(const float *dy, float *da, float *db, int64_t n);

//===-- concat / split ----------------------------------------------------===//
//
// Along the last dimension. Every part has the whole's rank; each of its other
// dimensions equals the whole's or is 1, and a 1 is broadcast (MLA's shared
// k_pe [T, 1, r] joined to k_nope [T, h, n] gives k [T, h, n + r]). The parts'
// last dimensions add up to the whole's.
//
// split is concat's adjoint: a broadcast part receives the sum over its
// broadcast dimensions, so concatBackward and splitForward are one operation,
// as are splitBackward and concatForward.

/// whole = concat(parts).
void concatForward(const float *const *parts, const Shape *partShapes,
                   int64_t numParts, float *whole, const Shape &wholeShape);
/// dparts from dwhole; broadcast parts get the sum.
void concatBackward(const float *dwhole, const Shape &wholeShape,
                    float *const *dparts, const Shape *partShapes,
                    int64_t numParts);

/// parts = split(whole); a broadcast part gets the sum (see above).
void splitForward(const float *whole, const Shape &wholeShape,
                  float *const *parts, const Shape *partShapes,
                  int64_t numParts);
/// dwhole from dparts (broadcasting the broadcast ones).
void splitBackward(const float *const *dparts, const Shape *partShapes,
                   int64_t numParts, float *dwhole, const Shape &wholeShape);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_ELEMENTWISE_H
