//===- FP8Rows.cpp - rows to E4M3 with 1 x tile scales and back -----------===//
//
// The bytes DeepSeek-V3's FP8 dispatch sends: real E4M3 codes and scales, so
// that the communication moves what a GPU would, and dequantizing gives
// exactly dsc_numerics' fake quantization of the same rows.
//
//===----------------------------------------------------------------------===//

#include "Parallel.h"
#include "dsc/kernels/cpu/Dense.h"
#include "dsc/numerics/BlockQuantize.h"

#include <cmath>
#include <stdexcept>

namespace dsc::kernels::cpu {

namespace {

void checkTile(int64_t tile, RowScales scales, const char *op) {
  if (tile <= 0)
    throw std::invalid_argument(std::string(op) +
                                ": the tile must be positive");
  if (!scales.f32 == !scales.ue8m0)
    throw std::invalid_argument(std::string(op) +
                                ": needs exactly one scale buffer");
}

/// Rows per thread worth splitting for.
constexpr int64_t kGrain = 16;

} // namespace

void quantizeRowsFP8(const float *x, uint8_t *codes, RowScales scales,
                     int64_t rows, int64_t cols, int64_t tile) {
  checkTile(tile, scales, "quantize_fp8");
  int64_t tiles = (cols + tile - 1) / tile;
  auto format = scales.ue8m0 ? numerics::ScaleFormat::UE8M0
                             : numerics::ScaleFormat::FP32;
  parallelFor(rows, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      for (int64_t t = 0; t < tiles; ++t) {
        int64_t c0 = t * tile, c1 = std::min(cols, c0 + tile);
        const float *in = x + r * cols;
        float amax = 0;
        for (int64_t c = c0; c < c1; ++c)
          amax = std::max(amax, std::fabs(in[c]));
        float scale =
            numerics::tileScale(amax, numerics::FP8Format::E4M3FN, format);
        if (scales.ue8m0)
          scales.ue8m0[r * tiles + t] = numerics::encodeUE8M0Ceil(scale);
        else
          scales.f32[r * tiles + t] = scale;
        for (int64_t c = c0; c < c1; ++c)
          codes[r * cols + c] = numerics::encodeE4M3(in[c] / scale);
      }
  });
}

void dequantizeRowsFP8(const uint8_t *codes, RowScales scales, float *y,
                       int64_t rows, int64_t cols, int64_t tile) {
  checkTile(tile, scales, "dequantize_fp8");
  int64_t tiles = (cols + tile - 1) / tile;
  const float *table = numerics::decodeTable(numerics::FP8Format::E4M3FN);
  parallelFor(rows, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r)
      for (int64_t t = 0; t < tiles; ++t) {
        float scale = scales.ue8m0
                          ? numerics::decodeUE8M0(scales.ue8m0[r * tiles + t])
                          : scales.f32[r * tiles + t];
        for (int64_t c = t * tile, c1 = std::min(cols, c + tile); c < c1; ++c)
          y[r * cols + c] = table[codes[r * cols + c]] * scale;
      }
  });
}

} // namespace dsc::kernels::cpu
