//===- FP8Test.cpp - FP8 formats ------------------------------------------===//

#include "dsc/numerics/FP8.h"
#include "gtest/gtest.h"
#include <cmath>
#include <limits>

using namespace dsc::numerics;

namespace {

TEST(FP8, EveryE4M3CodeRoundTrips) {
  int nans = 0;
  for (int code = 0; code < 256; ++code) {
    float value = decodeE4M3(code);
    if (std::isnan(value)) {
      ++nans;
      EXPECT_EQ(code & 0x7f, 0x7f);
      continue;
    }
    EXPECT_FALSE(std::isinf(value));
    EXPECT_EQ(encodeE4M3(value), code) << "code " << code;
  }
  EXPECT_EQ(nans, 2); // S.1111.111
  EXPECT_EQ(decodeE4M3(0x7e), 448.0f);
  EXPECT_EQ(decodeE4M3(0x01), std::ldexp(1.0f, -9)); // smallest subnormal
  EXPECT_EQ(decodeE4M3(0x08), std::ldexp(1.0f, -6)); // smallest normal
  EXPECT_EQ(decodeE4M3(0x38), 1.0f);
}

TEST(FP8, EveryE5M2CodeRoundTrips) {
  int nans = 0, infinities = 0;
  for (int code = 0; code < 256; ++code) {
    float value = decodeE5M2(code);
    if (std::isnan(value)) {
      ++nans;
      continue;
    }
    if (std::isinf(value)) {
      ++infinities;
      EXPECT_EQ(encodeE5M2(value, /*saturate=*/false), code);
      continue;
    }
    EXPECT_EQ(encodeE5M2(value), code) << "code " << code;
  }
  EXPECT_EQ(nans, 6);
  EXPECT_EQ(infinities, 2);
  EXPECT_EQ(decodeE5M2(0x7b), 57344.0f);
  EXPECT_EQ(decodeE5M2(0x01), std::ldexp(1.0f, -16));
}

TEST(FP8, TiesRoundToEven) {
  // Between 1.0 (mantissa 000) and 1.125 (001) the tie goes to 1.0; between
  // 1.125 and 1.25 (010) it goes to 1.25.
  EXPECT_EQ(decodeE4M3(encodeE4M3(1.0625f)), 1.0f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(1.1875f)), 1.25f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(1.06f)), 1.0f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(1.07f)), 1.125f);
  // Subnormal ties: 1.5 and 2.5 units of 2^-9 go to 2 units.
  EXPECT_EQ(decodeE4M3(encodeE4M3(std::ldexp(1.5f, -9))), std::ldexp(2.0f, -9));
  EXPECT_EQ(decodeE4M3(encodeE4M3(std::ldexp(2.5f, -9))), std::ldexp(2.0f, -9));
  // Half the smallest subnormal rounds to zero, keeping the sign.
  EXPECT_EQ(encodeE4M3(-std::ldexp(0.5f, -9)), 0x80);
  // E5M2: 1.125 lies between 1.0 and 1.25: tie to even (1.0).
  EXPECT_EQ(decodeE5M2(encodeE5M2(1.125f)), 1.0f);
  EXPECT_EQ(decodeE5M2(encodeE5M2(1.375f)), 1.5f);
}

TEST(FP8, SaturatesOrOverflows) {
  float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(decodeE4M3(encodeE4M3(1000.0f)), 448.0f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(-1e30f)), -448.0f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(inf)), 448.0f);
  EXPECT_EQ(decodeE4M3(encodeE4M3(450.0f, false)), 448.0f); // rounds down
  EXPECT_TRUE(std::isnan(decodeE4M3(encodeE4M3(470.0f, false))));
  EXPECT_EQ(decodeE5M2(encodeE5M2(1e6f)), 57344.0f);
  EXPECT_EQ(decodeE5M2(encodeE5M2(1e6f, false)), inf);
  EXPECT_EQ(decodeE5M2(encodeE5M2(-inf, false)), -inf);
  EXPECT_TRUE(std::isnan(decodeE4M3(encodeE4M3(std::nanf("")))));
  EXPECT_TRUE(std::isnan(decodeE5M2(encodeE5M2(std::nanf("")))));
}

TEST(FP8, UE8M0RoundsScalesUpToPowersOfTwo) {
  EXPECT_EQ(decodeUE8M0(127), 1.0f);
  EXPECT_EQ(decodeUE8M0(encodeUE8M0Ceil(1.0f)), 1.0f);
  EXPECT_EQ(decodeUE8M0(encodeUE8M0Ceil(1.01f)), 2.0f);
  EXPECT_EQ(decodeUE8M0(encodeUE8M0Ceil(0.3f)), 0.5f);
  EXPECT_EQ(decodeUE8M0(encodeUE8M0Ceil(1e-4f / 448)), std::ldexp(1.0f, -22));
}

} // namespace
