//===- BlockQuantize.cpp - FP8 with per-tile scales -----------------------===//

#include "dsc/numerics/BlockQuantize.h"
#include <algorithm>
#include <cmath>

namespace dsc::numerics {

float tileScale(float amax, FP8Format format, ScaleFormat scaleFormat) {
  float scale = std::max(amax, kMinAmax) / fp8Max(format);
  if (scaleFormat == ScaleFormat::UE8M0)
    scale = decodeUE8M0(encodeUE8M0Ceil(scale));
  return scale;
}

QuantizedTensor quantize(const float *values, int64_t rows, int64_t cols,
                         TileShape tile, FP8Format format,
                         ScaleFormat scaleFormat) {
  QuantizedTensor q;
  q.rows = rows;
  q.cols = cols;
  q.tile = tile;
  q.format = format;
  q.codes.resize(rows * cols);
  q.scales.resize(q.tileGridRows() * q.tileGridCols());
  for (int64_t tr = 0; tr < q.tileGridRows(); ++tr) {
    for (int64_t tc = 0; tc < q.tileGridCols(); ++tc) {
      int64_t rowEnd = std::min(rows, (tr + 1) * tile.rows);
      int64_t colEnd = std::min(cols, (tc + 1) * tile.cols);
      float amax = 0;
      for (int64_t r = tr * tile.rows; r < rowEnd; ++r)
        for (int64_t c = tc * tile.cols; c < colEnd; ++c)
          amax = std::max(amax, std::fabs(values[r * cols + c]));
      float scale = tileScale(amax, format, scaleFormat);
      q.scales[tr * q.tileGridCols() + tc] = scale;
      for (int64_t r = tr * tile.rows; r < rowEnd; ++r)
        for (int64_t c = tc * tile.cols; c < colEnd; ++c)
          q.codes[r * cols + c] =
              encodeFP8(values[r * cols + c] / scale, format);
    }
  }
  return q;
}

std::vector<float> dequantize(const QuantizedTensor &tensor) {
  std::vector<float> values(tensor.rows * tensor.cols);
  const float *table = decodeTable(tensor.format);
  for (int64_t r = 0; r < tensor.rows; ++r) {
    const float *scales =
        &tensor.scales[(r / tensor.tile.rows) * tensor.tileGridCols()];
    const uint8_t *codes = &tensor.codes[r * tensor.cols];
    float *row = &values[r * tensor.cols];
    for (int64_t start = 0; start < tensor.cols; start += tensor.tile.cols) {
      float scale = scales[start / tensor.tile.cols];
      int64_t end = std::min(tensor.cols, start + tensor.tile.cols);
      for (int64_t c = start; c < end; ++c)
        row[c] = table[codes[c]] * scale;
    }
  }
  return values;
}

} // namespace dsc::numerics
