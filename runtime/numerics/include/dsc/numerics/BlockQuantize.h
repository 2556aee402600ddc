//===- BlockQuantize.h - FP8 with per-tile scales ---------------*- C++ -*-===//
//
// DeepSeek-V3's fine-grained quantization (§3.3): a row-major [rows, cols]
// tensor is cut into tiles of tileRows x tileCols (1 x 128 per token for
// activations, 128 x 1 for re-tiled activation gradients, 128 x 128 blocks
// for weights); each tile gets scale = max(amax, 1e-4) / fp8Max, optionally
// rounded up to a power of two (UE8M0), and stores value / scale in FP8.
// Ragged edge tiles are zero-padded, which leaves their amax unchanged.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_NUMERICS_BLOCKQUANTIZE_H
#define DSC_NUMERICS_BLOCKQUANTIZE_H

#include "dsc/numerics/FP8.h"
#include <cstdint>
#include <vector>

namespace dsc::numerics {

enum class ScaleFormat { FP32, UE8M0 };

struct TileShape {
  int64_t rows = 1;
  int64_t cols = 128;
};

/// Scales laid out row-major over the [ceil(rows / tile.rows),
/// ceil(cols / tile.cols)] tile grid.
struct QuantizedTensor {
  int64_t rows = 0, cols = 0;
  TileShape tile;
  FP8Format format = FP8Format::E4M3FN;
  std::vector<uint8_t> codes;
  std::vector<float> scales;

  int64_t tileGridRows() const { return (rows + tile.rows - 1) / tile.rows; }
  int64_t tileGridCols() const { return (cols + tile.cols - 1) / tile.cols; }
  float scaleAt(int64_t row, int64_t col) const {
    return scales[(row / tile.rows) * tileGridCols() + col / tile.cols];
  }
};

/// Smallest amax a scale is computed from, so all-zero tiles stay finite.
inline constexpr float kMinAmax = 1e-4f;

/// The scale of a tile whose largest magnitude is `amax`: max(amax,
/// kMinAmax) over the format's largest value, rounded up to a power of two
/// for UE8M0.
float tileScale(float amax, FP8Format format, ScaleFormat scaleFormat);

QuantizedTensor quantize(const float *values, int64_t rows, int64_t cols,
                         TileShape tile, FP8Format format = FP8Format::E4M3FN,
                         ScaleFormat scaleFormat = ScaleFormat::FP32);

/// code value x its tile's scale.
std::vector<float> dequantize(const QuantizedTensor &tensor);

} // namespace dsc::numerics

#endif // DSC_NUMERICS_BLOCKQUANTIZE_H
