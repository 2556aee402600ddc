//===- HalfFloat.cpp - BF16 and F16 conversions ---------------------------===//

#include "dsc/numerics/HalfFloat.h"
#include <cstring>

namespace dsc::numerics {

namespace {
uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}
} // namespace

float f16ToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0x1F) // infinity or NaN (payload kept)
    return floatOf(sign | 0x7F800000u | (mantissa << 13));
  if (exponent != 0)
    return floatOf(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return floatOf(sign);
  // Subnormal: mantissa x 2^-24, exact in FP32.
  float magnitude = static_cast<float>(mantissa) * 0x1p-24f;
  return sign ? -magnitude : magnitude;
}

uint16_t floatToF16(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude > 0x7F800000u) // NaN: quiet, sign kept
    return static_cast<uint16_t>(sign | 0x7E00u);
  if (magnitude >= 0x477FF000u) // >= 65520 rounds past the largest finite
    return static_cast<uint16_t>(sign | 0x7C00u);
  if (magnitude >= 0x38800000u) { // normal in F16 (>= 2^-14)
    uint32_t rebased = magnitude - (112u << 23);
    uint32_t lsb = (rebased >> 13) & 1u;
    rebased += 0xFFFu + lsb; // ties to even; a carry bumps the exponent
    return static_cast<uint16_t>(sign | (rebased >> 13));
  }
  if (magnitude < 0x33000000u) // below half the smallest subnormal (2^-25)
    return sign;
  // Subnormal: round |value| / 2^-24 to an integer, ties to even. The
  // product is exact (a power-of-two scale), and FP32 rounding of the
  // addition of 2^23 then performs ties-to-even rounding of that integer.
  float scaled = floatOf(magnitude) * 0x1p24f;
  float rounded = (scaled + 0x1p23f) - 0x1p23f;
  return static_cast<uint16_t>(sign | static_cast<uint16_t>(rounded));
}

void floatToBF16(const float *in, uint16_t *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = floatToBF16(in[i]);
}

void bf16ToFloat(const uint16_t *in, float *out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = bf16ToFloat(in[i]);
}

} // namespace dsc::numerics
