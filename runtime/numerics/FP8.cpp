//===- FP8.cpp - FP8 formats: E4M3FN, E5M2 and UE8M0 scales ---------------===//

#include "dsc/numerics/FP8.h"
#include <cmath>
#include <cstring>
#include <limits>

namespace dsc::numerics {

namespace {
struct Layout {
  int exponentBits;
  int mantissaBits;
  int bias;
  bool hasInfinity; // E5M2; E4M3FN uses the top code for NaN only
};

Layout layoutOf(FP8Format format) {
  return format == FP8Format::E4M3FN ? Layout{4, 3, 7, false}
                                     : Layout{5, 2, 15, true};
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}
} // namespace

float fp8Max(FP8Format format) {
  return format == FP8Format::E4M3FN ? 448.0f : 57344.0f;
}

/// Decodes from the bit layout; decodeFP8 serves it from a table.
static float decodeBits(uint8_t code, FP8Format format) {
  Layout l = layoutOf(format);
  bool negative = code & 0x80;
  int exponentField = (code >> l.mantissaBits) & ((1 << l.exponentBits) - 1);
  int mantissa = code & ((1 << l.mantissaBits) - 1);
  int topExponent = (1 << l.exponentBits) - 1;
  float value;
  if (l.hasInfinity && exponentField == topExponent)
    value = mantissa ? std::numeric_limits<float>::quiet_NaN()
                     : std::numeric_limits<float>::infinity();
  else if (!l.hasInfinity && exponentField == topExponent &&
           mantissa == (1 << l.mantissaBits) - 1)
    value = std::numeric_limits<float>::quiet_NaN();
  else if (exponentField == 0) // subnormal
    value = std::ldexp(float(mantissa), 1 - l.bias - l.mantissaBits);
  else
    value = std::ldexp(1.0f + float(mantissa) / (1 << l.mantissaBits),
                       exponentField - l.bias);
  return negative ? -value : value;
}

namespace {
struct DecodeTables {
  float e4m3[256];
  float e5m2[256];
  DecodeTables() {
    for (int code = 0; code < 256; ++code) {
      e4m3[code] = decodeBits(code, FP8Format::E4M3FN);
      e5m2[code] = decodeBits(code, FP8Format::E5M2);
    }
  }
};
} // namespace

const float *decodeTable(FP8Format format) {
  static const DecodeTables tables;
  return format == FP8Format::E4M3FN ? tables.e4m3 : tables.e5m2;
}

float decodeFP8(uint8_t code, FP8Format format) {
  return decodeTable(format)[code];
}

uint8_t encodeFP8(float value, FP8Format format, bool saturate) {
  Layout l = layoutOf(format);
  uint8_t sign = std::signbit(value) ? 0x80 : 0;
  int topExponent = (1 << l.exponentBits) - 1;
  uint8_t nan = l.hasInfinity ? uint8_t(topExponent << l.mantissaBits | 1)
                              : uint8_t(0x7f);
  if (std::isnan(value))
    return sign | nan;
  uint8_t maxCode = l.hasInfinity
                        ? uint8_t((topExponent - 1) << l.mantissaBits |
                                  ((1 << l.mantissaBits) - 1))
                        : uint8_t(0x7e);
  uint8_t overflow =
      saturate ? maxCode
               : (l.hasInfinity ? uint8_t(topExponent << l.mantissaBits) : nan);
  float magnitude = std::fabs(value);
  if (std::isinf(magnitude))
    return sign | overflow;
  if (magnitude == 0)
    return sign;

  uint32_t bits = bitsOf(magnitude);
  int exponent = int((bits >> 23) & 0xff) - 127;
  uint32_t mantissa = bits & 0x7fffff;
  int minNormal = 1 - l.bias;
  uint32_t code;
  if (exponent < minNormal) {
    // Subnormal in FP8: count units of 2^(minNormal - mantissaBits), ties to
    // even; reaching 2^mantissaBits is exactly the smallest normal's code.
    double units = std::ldexp(double(magnitude), l.mantissaBits - minNormal);
    double floor = std::floor(units);
    double fraction = units - floor;
    uint32_t q = uint32_t(floor);
    if (fraction > 0.5 || (fraction == 0.5 && (q & 1)))
      ++q;
    code = q;
  } else {
    // Round the 23-bit mantissa to mantissaBits, ties to even.
    int shift = 23 - l.mantissaBits;
    uint32_t kept = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (kept & 1)))
      ++kept;
    if (kept == (1u << l.mantissaBits)) {
      kept = 0;
      ++exponent;
    }
    int field = exponent + l.bias;
    code = uint32_t(field) << l.mantissaBits | kept;
    if (field > topExponent || code > maxCode)
      return sign | overflow;
  }
  return sign | uint8_t(code);
}

float decodeUE8M0(uint8_t code) { return std::ldexp(1.0f, int(code) - 127); }

uint8_t encodeUE8M0Ceil(float scale) {
  int exponent;
  float fraction = std::frexp(scale, &exponent); // scale = f * 2^e, f in [.5,1)
  int power = fraction == 0.5f ? exponent - 1 : exponent;
  int code = power + 127;
  return uint8_t(code < 0 ? 0 : code > 254 ? 254 : code);
}

} // namespace dsc::numerics
