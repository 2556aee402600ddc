//===- BlockQuantizeTest.cpp - FP8 with per-tile scales -------------------===//

#include "dsc/numerics/BlockQuantize.h"
#include "gtest/gtest.h"
#include <cmath>
#include <random>

using namespace dsc::numerics;

namespace {

TEST(BlockQuantize, PerTokenTiles) {
  // Two rows of 130 values: tiles of 1 x 128, the second ragged (2 values).
  std::vector<float> x(2 * 130, 0.0f);
  x[5] = 896.0f;     // row 0, tile 0: amax 896 -> scale 2
  x[129] = -44.8f;   // row 0, tile 1: scale 0.1
  x[130 + 7] = 0.0f; // row 1, tile 0: all zero -> scale 1e-4 / 448
  QuantizedTensor q = quantize(x.data(), 2, 130, {1, 128});
  ASSERT_EQ(q.scales.size(), 4u);
  EXPECT_FLOAT_EQ(q.scales[0], 2.0f);
  EXPECT_FLOAT_EQ(q.scales[1], 0.1f);
  EXPECT_FLOAT_EQ(q.scales[2], 1e-4f / 448);
  EXPECT_EQ(decodeE4M3(q.codes[5]), 448.0f);
  EXPECT_EQ(decodeE4M3(q.codes[129]), -448.0f);
  std::vector<float> back = dequantize(q);
  EXPECT_FLOAT_EQ(back[5], 896.0f);
  EXPECT_FLOAT_EQ(back[129], -44.8f);
  EXPECT_EQ(back[130 + 7], 0.0f);
}

TEST(BlockQuantize, BlocksAndColumnTiles) {
  std::vector<float> x(200 * 300);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (float &v : x)
    v = normal(rng);
  for (TileShape tile : {TileShape{128, 128}, TileShape{128, 1}}) {
    QuantizedTensor q = quantize(x.data(), 200, 300, tile);
    EXPECT_EQ(q.tileGridRows(), 2);
    EXPECT_EQ(q.tileGridCols(), tile.cols == 128 ? 3 : 300);
    std::vector<float> back = dequantize(q);
    // E4M3 keeps 3 mantissa bits: relative error at most 2^-4 per element
    // (for elements in the normal range of their tile).
    for (size_t i = 0; i < x.size(); ++i)
      EXPECT_LE(std::fabs(back[i] - x[i]),
                std::fabs(x[i]) / 16 +
                    q.scaleAt(i / 300, i % 300) * std::ldexp(1.0f, -10));
  }
}

TEST(BlockQuantize, PowerOfTwoScales) {
  std::vector<float> x(128, 0.0f);
  x[0] = 100.0f; // scale 100 / 448 = 0.223 -> 0.25
  QuantizedTensor q = quantize(x.data(), 1, 128, {1, 128}, FP8Format::E4M3FN,
                               ScaleFormat::UE8M0);
  EXPECT_EQ(q.scales[0], 0.25f);
  // 400 lies halfway between 384 (mantissa 100) and 416 (101): even wins.
  EXPECT_EQ(decodeE4M3(q.codes[0]), 384.0f);
}

} // namespace
