//===- HalfFloat.h - BF16 and F16 conversions -------------------*- C++ -*-===//
//
// dsc_numerics covers FP8; the 16-bit storage formats of checkpoints are
// here. Encoding rounds to nearest, ties to even; NaN stays NaN (quiet),
// overflow becomes infinity, as IEEE conversions do. Decoding is exact.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_HALFFLOAT_H
#define DSC_IO_HALFFLOAT_H

#include <cstdint>

namespace dsc::io {

float bf16ToFloat(uint16_t bits);
uint16_t floatToBF16(float value);

float f16ToFloat(uint16_t bits);
uint16_t floatToF16(float value);

} // namespace dsc::io

#endif // DSC_IO_HALFFLOAT_H
