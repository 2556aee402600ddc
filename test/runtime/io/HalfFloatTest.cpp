//===- HalfFloatTest.cpp - BF16 and F16 conversions -----------------------===//

#include "dsc/numerics/HalfFloat.h"
#include "gtest/gtest.h"
#include <cmath>
#include <cstring>
#include <limits>

using namespace dsc::numerics;

namespace {

bool isNaN16(uint16_t bits, uint16_t exponentMask) {
  return (bits & exponentMask) == exponentMask &&
         (bits & static_cast<uint16_t>(~exponentMask & 0x7FFF)) != 0;
}

// Every code decodes to a float that encodes back to the same code: the
// decoder is exact and the encoder is its inverse on representable values.
TEST(HalfFloat, EveryBF16CodeRoundTrips) {
  for (uint32_t code = 0; code < 65536; ++code) {
    uint16_t c = static_cast<uint16_t>(code);
    float f = bf16ToFloat(c);
    if (isNaN16(c, 0x7F80)) {
      EXPECT_TRUE(std::isnan(f));
      EXPECT_TRUE(isNaN16(floatToBF16(f), 0x7F80)) << code;
      continue;
    }
    EXPECT_EQ(floatToBF16(f), c) << code;
  }
}

TEST(HalfFloat, EveryF16CodeRoundTrips) {
  for (uint32_t code = 0; code < 65536; ++code) {
    uint16_t c = static_cast<uint16_t>(code);
    float f = f16ToFloat(c);
    if (isNaN16(c, 0x7C00)) {
      EXPECT_TRUE(std::isnan(f));
      EXPECT_TRUE(isNaN16(floatToF16(f), 0x7C00)) << code;
      continue;
    }
    EXPECT_EQ(floatToF16(f), c) << code;
  }
}

TEST(HalfFloat, F16KnownValues) {
  EXPECT_EQ(f16ToFloat(0x3C00), 1.0f);
  EXPECT_EQ(f16ToFloat(0xC000), -2.0f);
  EXPECT_EQ(f16ToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(f16ToFloat(0x0001), 0x1p-24f); // smallest subnormal
  EXPECT_EQ(f16ToFloat(0x0400), 0x1p-14f); // smallest normal
  EXPECT_EQ(f16ToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::signbit(f16ToFloat(0x8000)));
  EXPECT_EQ(floatToF16(-0.0f), 0x8000);
  EXPECT_EQ(floatToF16(1e9f), 0x7C00);       // overflow -> infinity
  EXPECT_EQ(floatToF16(65519.0f), 0x7BFF);   // below the midpoint
  EXPECT_EQ(floatToF16(65520.0f), 0x7C00);   // the midpoint: ties to even
  EXPECT_EQ(floatToF16(0x1p-25f), 0x0000);   // tie between 0 and 2^-24
  EXPECT_EQ(floatToF16(0x1.8p-25f), 0x0001); // above it
  EXPECT_EQ(floatToF16(0x1.8p-24f), 0x0002); // tie 1 / 2 -> even 2
  EXPECT_EQ(floatToF16(0x1p-26f), 0x0000);
}

TEST(HalfFloat, BF16KnownValues) {
  EXPECT_EQ(floatToBF16(1.0f), 0x3F80);
  EXPECT_EQ(bf16ToFloat(0xC0A0), -5.0f);
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f), 0x3F80);            // tie -> even
  EXPECT_EQ(floatToBF16(1.0f + 3 * 0x1p-8f), 0x3F82);        // tie -> even
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f + 0x1p-20f), 0x3F81); // above the tie
  EXPECT_EQ(floatToBF16(std::numeric_limits<float>::max()), 0x7F80);
  // A NaN whose payload sits only in the low bits must stay a NaN.
  uint32_t nanBits = 0x7F800001;
  float nan;
  std::memcpy(&nan, &nanBits, 4);
  EXPECT_TRUE(isNaN16(floatToBF16(nan), 0x7F80));
}

// Between any two neighbouring finite F16 values, just below the midpoint
// rounds down, just above rounds up, the midpoint goes to the even code.
TEST(HalfFloat, F16RoundsToNearestEven) {
  for (uint32_t code = 0; code < 0x7BFF; ++code) {
    double lo = f16ToFloat(static_cast<uint16_t>(code));
    double hi = f16ToFloat(static_cast<uint16_t>(code + 1));
    float mid = static_cast<float>((lo + hi) / 2); // exact in FP32
    uint16_t even = (code % 2 == 0) ? static_cast<uint16_t>(code)
                                    : static_cast<uint16_t>(code + 1);
    ASSERT_EQ(floatToF16(mid), even) << code;
    ASSERT_EQ(floatToF16(std::nextafter(mid, 0.0f)), code) << code;
    ASSERT_EQ(floatToF16(std::nextafter(mid, 1e9f)), code + 1) << code;
    ASSERT_EQ(floatToF16(-mid), even | 0x8000) << code;
  }
}

} // namespace
