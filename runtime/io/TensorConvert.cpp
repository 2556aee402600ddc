//===- TensorConvert.cpp - tensors to and from FP32 -----------------------===//

#include "dsc/io/TensorConvert.h"
#include "dsc/io/Error.h"
#include "dsc/numerics/FP8.h"
#include "dsc/numerics/HalfFloat.h"
#include <algorithm>
#include <cstring>

namespace dsc::io {
using numerics::bf16ToFloat;
using numerics::f16ToFloat;
using numerics::floatToBF16;
using numerics::floatToF16;

// The formats are little-endian and elements are copied with memcpy.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "dsc_io assumes a little-endian host");

namespace {
uint16_t load16(const uint8_t *p) {
  uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
} // namespace

void convertToFloat32(DType dtype, const uint8_t *src, size_t count,
                      float *out) {
  switch (dtype) {
  case DType::F32:
    std::memcpy(out, src, count * sizeof(float));
    return;
  case DType::BF16:
    for (size_t i = 0; i < count; ++i)
      out[i] = bf16ToFloat(load16(src + 2 * i));
    return;
  case DType::F16:
    for (size_t i = 0; i < count; ++i)
      out[i] = f16ToFloat(load16(src + 2 * i));
    return;
  case DType::F8_E4M3: {
    const float *table = numerics::decodeTable(numerics::FP8Format::E4M3FN);
    for (size_t i = 0; i < count; ++i)
      out[i] = table[src[i]];
    return;
  }
  case DType::I32:
  case DType::I64:
    break;
  }
  throw Error(std::string("cannot convert ") + dtypeName(dtype) +
              " to FP32 (integer tensors are read as integers)");
}

void dequantizeE4M3Blocks(const uint8_t *codes, const uint8_t *scaleInv,
                          int64_t rows, int64_t cols, int64_t blockRows,
                          int64_t blockCols, float *out) {
  const float *table = numerics::decodeTable(numerics::FP8Format::E4M3FN);
  int64_t gridCols = (cols + blockCols - 1) / blockCols;
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t *scaleRow =
        scaleInv + static_cast<size_t>((r / blockRows) * gridCols) * 4;
    const uint8_t *codeRow = codes + static_cast<size_t>(r * cols);
    float *outRow = out + static_cast<size_t>(r * cols);
    for (int64_t bc = 0; bc < gridCols; ++bc) {
      float scale;
      std::memcpy(&scale, scaleRow + 4 * bc, sizeof scale);
      int64_t end = std::min(cols, (bc + 1) * blockCols);
      for (int64_t c = bc * blockCols; c < end; ++c)
        outRow[c] = table[codeRow[c]] * scale;
    }
  }
}

std::vector<uint8_t> encodeFromFloat32(DType dtype, const float *values,
                                       size_t count) {
  std::vector<uint8_t> bytes(count * dtypeSize(dtype));
  switch (dtype) {
  case DType::F32:
    std::memcpy(bytes.data(), values, bytes.size());
    return bytes;
  case DType::BF16:
    for (size_t i = 0; i < count; ++i) {
      uint16_t v = floatToBF16(values[i]);
      std::memcpy(bytes.data() + 2 * i, &v, 2);
    }
    return bytes;
  case DType::F16:
    for (size_t i = 0; i < count; ++i) {
      uint16_t v = floatToF16(values[i]);
      std::memcpy(bytes.data() + 2 * i, &v, 2);
    }
    return bytes;
  case DType::F8_E4M3:
    for (size_t i = 0; i < count; ++i)
      bytes[i] = numerics::encodeE4M3(values[i], /*saturate=*/true);
    return bytes;
  case DType::I32:
  case DType::I64:
    break;
  }
  throw Error(std::string("cannot encode FP32 values as ") + dtypeName(dtype));
}

} // namespace dsc::io
