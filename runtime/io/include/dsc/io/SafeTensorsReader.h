//===- SafeTensorsReader.h - validated safetensors files --------*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length N, N bytes
// of JSON (an object: tensor name -> {"dtype", "shape", "data_offsets":
// [begin, end]} with offsets relative to the data section, plus an optional
// "__metadata__" string -> string map), then the data section.
//
// open() validates everything before any tensor is handed out: N within
// the file and at most kMaxSafeTensorsHeader, strict JSON, supported
// dtypes, shapes of non-negative integers, byte sizes equal to
// numel x dtype size, offsets inside the data section and tiling it
// without overlap, gap or trailing bytes (as the reference implementation
// requires). Every error names the file, the tensor and the problem.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_SAFETENSORSREADER_H
#define DSC_IO_SAFETENSORSREADER_H

#include "dsc/io/MappedFile.h"
#include "dsc/io/TensorView.h"
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dsc::io {

/// The reference implementation's limit; a larger header is corruption.
inline constexpr uint64_t kMaxSafeTensorsHeader = 100'000'000;

/// Where a tensor lives, as the header says (offsets into the data section).
struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;
  uint64_t begin = 0, end = 0;
};

/// How to dequantize F8_E4M3 tensors when converting to FP32.
enum class Fp8Scaling {
  /// The stored E4M3 values, unscaled.
  None,
  /// Multiply each block by the tensor's `<name>_scale_inv` companion (F32,
  /// [ceil(rows / block), ceil(cols / block)]): DeepSeek-V3's checkpoints.
  /// Missing or malformed companions are errors.
  BlockScaleInv,
};

struct Fp8Options {
  Fp8Scaling scaling = Fp8Scaling::None;
  int64_t blockRows = 128;
  int64_t blockCols = 128;
};

/// Suffix of an FP8 weight's scale tensor in DeepSeek checkpoints.
inline constexpr std::string_view kScaleInvSuffix = "_scale_inv";

class SafeTensorsFile {
public:
  /// Maps and validates `path`. Throws dsc::io::Error.
  static SafeTensorsFile open(const std::string &path);

  const std::string &path() const { return file_.path(); }
  /// The "__metadata__" map (empty when absent).
  const std::map<std::string, std::string> &metadata() const {
    return metadata_;
  }
  /// Tensors sorted by name.
  const std::vector<TensorInfo> &tensors() const { return tensors_; }
  bool contains(std::string_view name) const;
  /// Null when absent.
  const TensorInfo *find(std::string_view name) const;

  /// The tensor's bytes in place. Throws when `name` is absent.
  TensorView view(std::string_view name) const;

  /// The tensor converted to FP32 (F32, BF16, F16, F8_E4M3; integer
  /// dtypes are refused, since FP32 cannot hold them exactly).
  std::vector<float> readFloat32(std::string_view name,
                                 const Fp8Options &fp8 = {}) const;
  /// As readFloat32, into `out` of exactly `count` elements.
  void readFloat32Into(std::string_view name, float *out, size_t count,
                       const Fp8Options &fp8 = {}) const;
  /// An I32 or I64 tensor's values.
  std::vector<int64_t> readInt64(std::string_view name) const;

private:
  MappedFile file_;
  uint64_t dataStart_ = 0;
  std::map<std::string, std::string> metadata_;
  std::vector<TensorInfo> tensors_;
};

} // namespace dsc::io

#endif // DSC_IO_SAFETENSORSREADER_H
