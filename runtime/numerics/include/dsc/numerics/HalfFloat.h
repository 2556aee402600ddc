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
#include <cstring>

namespace dsc::numerics {

// The scalar BF16 conversions are inline so element-wise loops in other
// files (AdamW's BF16 moments, staging) vectorize instead of calling out
// per element.
inline float bf16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

inline uint16_t floatToBF16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  // Rounding could carry a NaN's payload into infinity; a NaN becomes a
  // quiet NaN of the same sign instead.
  uint16_t nan = static_cast<uint16_t>((bits >> 16) | 0x0040u);
  uint32_t lsb = (bits >> 16) & 1u;
  uint16_t rounded = static_cast<uint16_t>((bits + 0x7FFFu + lsb) >> 16);
  return (bits & 0x7FFFFFFFu) > 0x7F800000u ? nan : rounded;
}

void floatToBF16(const float *in, uint16_t *out, int64_t n);
void bf16ToFloat(const uint16_t *in, float *out, int64_t n);

float f16ToFloat(uint16_t bits);
uint16_t floatToF16(float value);

} // namespace dsc::numerics

#endif // DSC_NUMERICS_HALFFLOAT_H
