//===- HalfFloat.h - BF16 and F16 conversions -------------------*- C++ -*-===//
//
// The 16-bit storage formats of checkpoints and activations. Encoding rounds to
// nearest, ties to even; NaN stays NaN (quiet), overflow becomes infinity, as
// IEEE conversions do. Decoding is exact.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_NUMERICS_HALFFLOAT_H
#define DSC_NUMERICS_HALFFLOAT_H

#include <cstdint>

namespace dsc::numerics {

float bf16ToFloat(uint16_t bits);
uint16_t floatToBF16(float value);

void floatToBF16(const float *in, uint16_t *out, int64_t n);
void bf16ToFloat(const uint16_t *in, float *out, int64_t n);

float f16ToFloat(uint16_t bits);
uint16_t floatToF16(float value);

} // namespace dsc::numerics

#endif // DSC_NUMERICS_HALFFLOAT_H
