//===- FP8.h - FP8 formats: E4M3FN, E5M2 and UE8M0 scales -------*- C++ -*-===//
//
// Encoding rounds to nearest, ties to even. E4M3FN (bias 7, max 448) has no
// infinities and one NaN per sign; E5M2 (bias 15, max 57344) is IEEE-like
// with infinities. With saturation (used for scaled data) finite values
// beyond the range become the largest finite value of the sign; without it
// they become NaN (E4M3FN) or infinity (E5M2). NaN stays NaN.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_NUMERICS_FP8_H
#define DSC_NUMERICS_FP8_H

#include <cstdint>

namespace dsc::numerics {

enum class FP8Format { E4M3FN, E5M2 };

/// Largest finite value: 448 (E4M3FN) or 57344 (E5M2).
float fp8Max(FP8Format format);

float decodeFP8(uint8_t code, FP8Format format);
/// The 256 decoded values of `format`, indexed by code (for bulk decoding).
const float *decodeTable(FP8Format format);
uint8_t encodeFP8(float value, FP8Format format, bool saturate = true);

inline float decodeE4M3(uint8_t code) {
  return decodeFP8(code, FP8Format::E4M3FN);
}
inline uint8_t encodeE4M3(float value, bool saturate = true) {
  return encodeFP8(value, FP8Format::E4M3FN, saturate);
}
inline float decodeE5M2(uint8_t code) {
  return decodeFP8(code, FP8Format::E5M2);
}
inline uint8_t encodeE5M2(float value, bool saturate = true) {
  return encodeFP8(value, FP8Format::E5M2, saturate);
}

/// UE8M0: an unsigned power of two 2^(code - 127), as scale factors.
float decodeUE8M0(uint8_t code);
/// The smallest power of two >= `scale` (> 0), as its UE8M0 code.
uint8_t encodeUE8M0Ceil(float scale);

} // namespace dsc::numerics

#endif // DSC_NUMERICS_FP8_H
