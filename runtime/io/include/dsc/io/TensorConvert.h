//===- TensorConvert.h - tensors to and from FP32 ---------------*- C++ -*-===//
//
// Conversions between a tensor's stored bytes and FP32, used by the
// safetensors reader and by code that prepares tensors to write. E4M3
// decodes through dsc_numerics (FP8.h, HalfFloat.h).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_TENSORCONVERT_H
#define DSC_IO_TENSORCONVERT_H

#include "dsc/io/TensorView.h"
#include <cstdint>
#include <vector>

namespace dsc::io {

/// `count` elements of `dtype` at `src` (unaligned) into `out`. Float
/// dtypes only; throws dsc::io::Error for I32/I64.
void convertToFloat32(DType dtype, const uint8_t *src, size_t count,
                      float *out);

/// Block-scaled E4M3 dequantization of a [rows, cols] tensor:
/// out[r][c] = e4m3(codes[r][c]) x scaleInv[r / blockRows][c / blockCols],
/// scaleInv being F32 [ceil(rows / blockRows), ceil(cols / blockCols)]
/// (unaligned bytes, row-major).
void dequantizeE4M3Blocks(const uint8_t *codes, const uint8_t *scaleInv,
                          int64_t rows, int64_t cols, int64_t blockRows,
                          int64_t blockCols, float *out);

/// FP32 values stored as `dtype` (F32, BF16, F16 or F8_E4M3 unscaled,
/// saturating), little-endian bytes ready to write.
std::vector<uint8_t> encodeFromFloat32(DType dtype, const float *values,
                                       size_t count);

} // namespace dsc::io

#endif // DSC_IO_TENSORCONVERT_H
