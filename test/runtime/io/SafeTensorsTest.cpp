//===- SafeTensorsTest.cpp - safetensors reader and writer ----------------===//

#include "TestUtil.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/SafeTensorsReader.h"
#include "dsc/io/SafeTensorsWriter.h"
#include "dsc/io/TensorConvert.h"
#include "dsc/numerics/BlockQuantize.h"
#include "dsc/numerics/HalfFloat.h"
#include <cmath>
#include <cstring>
#include <random>

using namespace dsc::io;
using namespace dsc::numerics;
using namespace dsc::io::test;

namespace {

template <typename T> std::vector<uint8_t> bytesOf(const std::vector<T> &v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty())
    std::memcpy(b.data(), v.data(), b.size());
  return b;
}

/// A safetensors file from a header and data section, as given.
std::string rawFile(const std::string &header, const std::string &data) {
  uint64_t n = header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

std::string openError(const std::string &path) {
  return errorOf([&] { SafeTensorsFile::open(path); });
}

/// One tensor of every dtype, a scalar and an empty tensor.
std::vector<OwnedTensor> everyDType() {
  std::vector<float> values = {1.0f, -2.5f, 0.375f, 448.0f, -0.015625f, 0.0f};
  std::vector<OwnedTensor> t;
  t.push_back({"f32", DType::F32, {2, 3}, bytesOf(values)});
  t.push_back({"bf16",
               DType::BF16,
               {3, 2},
               encodeFromFloat32(DType::BF16, values.data(), 6)});
  t.push_back({"f16",
               DType::F16,
               {6},
               encodeFromFloat32(DType::F16, values.data(), 6)});
  t.push_back({"e4m3",
               DType::F8_E4M3,
               {1, 6},
               encodeFromFloat32(DType::F8_E4M3, values.data(), 6)});
  t.push_back(
      {"i32", DType::I32, {2, 2}, bytesOf<int32_t>({-1, 0, 7, INT32_MAX})});
  t.push_back(
      {"i64", DType::I64, {3}, bytesOf<int64_t>({INT64_MIN, 1, INT64_MAX})});
  t.push_back({"scalar", DType::F32, {}, bytesOf<float>({3.5f})});
  t.push_back({"empty", DType::BF16, {0, 4}, {}});
  return t;
}

std::vector<TensorRef> refs(const std::vector<OwnedTensor> &owned) {
  std::vector<TensorRef> r;
  for (const OwnedTensor &t : owned)
    r.push_back(t.ref());
  return r;
}

TEST(SafeTensors, RoundTripsEveryDType) {
  TempDir dir;
  std::string path = dir.file("all.safetensors");
  std::vector<OwnedTensor> tensors = everyDType();
  writeSafeTensors(path, refs(tensors),
                   {{"step", "12"}, {"note", "é \"x\"\n"}});

  SafeTensorsFile file = SafeTensorsFile::open(path);
  EXPECT_EQ(file.path(), path);
  EXPECT_EQ(file.metadata().at("step"), "12");
  EXPECT_EQ(file.metadata().at("note"), "é \"x\"\n");
  ASSERT_EQ(file.tensors().size(), tensors.size());
  for (size_t i = 1; i < file.tensors().size(); ++i)
    EXPECT_LT(file.tensors()[i - 1].name, file.tensors()[i].name);
  for (const OwnedTensor &t : tensors) {
    SCOPED_TRACE(t.name);
    TensorView view = file.view(t.name);
    EXPECT_EQ(view.dtype, t.dtype);
    EXPECT_EQ(view.shape, t.shape);
    ASSERT_EQ(view.bytes, t.data.size());
    if (view.bytes) {
      EXPECT_EQ(std::memcmp(view.data, t.data.data(), view.bytes), 0);
    }
  }
  // Every value above is exactly representable in every float dtype.
  std::vector<float> expected = {1.0f, -2.5f, 0.375f, 448.0f, -0.015625f, 0.0f};
  for (const char *name : {"f32", "bf16", "f16", "e4m3"})
    EXPECT_EQ(file.readFloat32(name), expected) << name;
  EXPECT_EQ(file.readFloat32("scalar"), std::vector<float>{3.5f});
  EXPECT_TRUE(file.readFloat32("empty").empty());
  EXPECT_EQ(file.readInt64("i32"), (std::vector<int64_t>{-1, 0, 7, INT32_MAX}));
  EXPECT_EQ(file.readInt64("i64"),
            (std::vector<int64_t>{INT64_MIN, 1, INT64_MAX}));
}

TEST(SafeTensors, ConvertsRoundingToTheStoredPrecision) {
  TempDir dir;
  std::string path = dir.file("r.safetensors");
  std::vector<float> values = {0.1f, 3.14159f, -1e-3f, 70000.0f, 1000.0f};
  std::vector<OwnedTensor> t = {
      {"b", DType::BF16, {5}, encodeFromFloat32(DType::BF16, values.data(), 5)},
      {"h", DType::F16, {5}, encodeFromFloat32(DType::F16, values.data(), 5)},
      {"q",
       DType::F8_E4M3,
       {5},
       encodeFromFloat32(DType::F8_E4M3, values.data(), 5)}};
  writeSafeTensors(path, refs(t));
  SafeTensorsFile file = SafeTensorsFile::open(path);
  std::vector<float> b = file.readFloat32("b"), h = file.readFloat32("h"),
                     q = file.readFloat32("q");
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_NEAR(b[i], values[i], std::fabs(values[i]) * 0x1p-8f) << i;
    EXPECT_EQ(q[i],
              dsc::numerics::decodeE4M3(dsc::numerics::encodeE4M3(values[i])));
  }
  EXPECT_TRUE(std::isinf(h[3])); // 70000 is beyond F16's 65504
  EXPECT_EQ(h[4], 1000.0f);
  EXPECT_EQ(q[3], 448.0f); // saturated to E4M3's largest value
}

TEST(SafeTensors, WriterLayoutIsAlignedSortedAndDeterministic) {
  TempDir dir;
  std::vector<OwnedTensor> tensors = everyDType();
  writeSafeTensors(dir.file("a.safetensors"), refs(tensors), {{"k", "v"}});
  std::reverse(tensors.begin(), tensors.end());
  writeSafeTensors(dir.file("b.safetensors"), refs(tensors), {{"k", "v"}});
  std::string a = readFile(dir.file("a.safetensors"));
  EXPECT_EQ(a, readFile(dir.file("b.safetensors")));

  uint64_t n;
  std::memcpy(&n, a.data(), 8);
  EXPECT_EQ((8 + n) % 8, 0u);
  std::string header = a.substr(8, n);
  EXPECT_EQ(header.rfind("{\"__metadata__\":{\"k\":\"v\"}", 0), 0u) << header;
  EXPECT_LT(header.find("\"bf16\""), header.find("\"e4m3\""));
  // Padding is trailing spaces only.
  EXPECT_EQ(header.find_last_not_of(' '), header.find_last_of('}'));
  // Data in name order: "bf16" first at offset 0.
  EXPECT_NE(header.find("\"bf16\":{\"dtype\":\"BF16\",\"shape\":[3,2],"
                        "\"data_offsets\":[0,12]}"),
            std::string::npos)
      << header;
}

TEST(SafeTensors, WriterRejectsBadTensorsAndWritesNothing) {
  TempDir dir;
  std::string path = dir.file("w.safetensors");
  float data[6] = {};
  auto bad = [&](std::vector<TensorRef> tensors) {
    return errorOf([&] { writeSafeTensors(path, tensors); });
  };
  expectContains(bad({{"w", DType::F32, {2, 3}, data, 20}}),
                 {path, "tensor 'w'", "needs 24 bytes, given 20"});
  expectContains(
      bad({{"w", DType::F32, {6}, data, 24}, {"w", DType::F32, {6}, data, 24}}),
      {"tensor 'w'", "given twice"});
  expectContains(bad({{"__metadata__", DType::F32, {6}, data, 24}}),
                 {"reserved"});
  expectContains(bad({{"", DType::F32, {6}, data, 24}}), {"empty name"});
  expectContains(bad({{"n", DType::F32, {-1}, data, 0}}),
                 {"tensor 'n'", "negative dimension"});
  // Headers are JSON: names and metadata must be UTF-8 or no reader could
  // open the file again.
  expectContains(bad({{"w\xff", DType::F32, {6}, data, 24}}),
                 {path, "tensor name is not valid UTF-8"});
  expectContains(errorOf([&] {
                   writeSafeTensors(path, {}, {{"rng", "\x80\x01binary"}});
                 }),
                 {path, "metadata 'rng' is not valid UTF-8"});
  EXPECT_TRUE(dir.entries().empty());
}

TEST(SafeTensors, WriterReplacesAtomically) {
  TempDir dir;
  std::string path = dir.file("x.safetensors");
  float one = 1.0f, two = 2.0f;
  writeSafeTensors(path, {{"v", DType::F32, {}, &one, 4}});
  writeSafeTensors(path, {{"v", DType::F32, {}, &two, 4}});
  EXPECT_EQ(SafeTensorsFile::open(path).readFloat32("v")[0], 2.0f);
  // No temporary file is left beside the target.
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"x.safetensors"});
}

TEST(AtomicFile, UncommittedWriteLeavesTheTargetAlone) {
  TempDir dir;
  std::string path = dir.file("t.txt");
  writeFile(path, "old");
  {
    AtomicFileWriter writer(path);
    writer.write("new contents", 12);
    EXPECT_TRUE(fileExists(writer.tempPath()));
    EXPECT_EQ(parentDirectory(writer.tempPath()), dir.path());
  } // destroyed without commit: as if the writer failed half-way
  EXPECT_EQ(readFile(path), "old");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"t.txt"});
  {
    AtomicFileWriter writer(path);
    writer.write("new", 3);
    writer.commit();
  }
  EXPECT_EQ(readFile(path), "new");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"t.txt"});
  expectContains(errorOf([&] { AtomicFileWriter w(dir.file("no/such/f")); }),
                 {"cannot create a temporary file", "no/such"});
}

// ----- FP8 weights with DeepSeek's _scale_inv companions -----

TEST(SafeTensors, DequantizesE4M3ByBlocksOnAKnownBlock) {
  TempDir dir;
  std::string path = dir.file("fp8.safetensors");
  // [130, 200]: a 2 x 2 grid of 128 x 128 blocks, the last row and column
  // of blocks ragged.
  const int64_t rows = 130, cols = 200;
  std::vector<uint8_t> codes(rows * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      codes[r * cols + c] = dsc::numerics::encodeE4M3(
          static_cast<float>((r + 2 * c) % 17 - 8) * 0.25f);
  std::vector<float> scaleInv = {2.0f, 0.5f, 4.0f, -8.0f};
  writeSafeTensors(
      path, {{"w", DType::F8_E4M3, {rows, cols}, codes.data(), codes.size()},
             {"w_scale_inv", DType::F32, {2, 2}, scaleInv.data(), 16}});
  SafeTensorsFile file = SafeTensorsFile::open(path);
  std::vector<float> raw = file.readFloat32("w");
  std::vector<float> deq =
      file.readFloat32("w", {Fp8Scaling::BlockScaleInv, 128, 128});
  auto value = [&](int64_t r, int64_t c) {
    return static_cast<float>((r + 2 * c) % 17 - 8) * 0.25f;
  };
  // Corners of every block: the scale changes exactly at 128.
  struct Probe {
    int64_t r, c;
    float scale;
  };
  for (Probe p :
       {Probe{0, 0, 2.0f}, Probe{127, 127, 2.0f}, Probe{0, 128, 0.5f},
        Probe{127, 199, 0.5f}, Probe{128, 0, 4.0f}, Probe{129, 127, 4.0f},
        Probe{128, 128, -8.0f}, Probe{129, 199, -8.0f}}) {
    EXPECT_EQ(raw[p.r * cols + p.c], value(p.r, p.c)) << p.r << "," << p.c;
    EXPECT_EQ(deq[p.r * cols + p.c], value(p.r, p.c) * p.scale)
        << p.r << "," << p.c;
  }
}

TEST(SafeTensors, BlockDequantizationMatchesNumerics) {
  TempDir dir;
  std::string path = dir.file("q.safetensors");
  const int64_t rows = 300, cols = 260;
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> weights(rows * cols);
  for (float &w : weights)
    w = normal(rng);
  dsc::numerics::QuantizedTensor q =
      dsc::numerics::quantize(weights.data(), rows, cols, {128, 128});
  // Written the way DeepSeek's checkpoints store it: codes and scale_inv.
  writeSafeTensors(path,
                   {{"layer.weight",
                     DType::F8_E4M3,
                     {rows, cols},
                     q.codes.data(),
                     q.codes.size()},
                    {"layer.weight_scale_inv",
                     DType::F32,
                     {q.tileGridRows(), q.tileGridCols()},
                     q.scales.data(),
                     q.scales.size() * 4},
                    {"norm",
                     DType::BF16,
                     {2},
                     encodeFromFloat32(DType::BF16, weights.data(), 2).data(),
                     4}});
  SafeTensorsFile file = SafeTensorsFile::open(path);
  Fp8Options blocks{Fp8Scaling::BlockScaleInv};
  EXPECT_EQ(file.readFloat32("layer.weight", blocks),
            dsc::numerics::dequantize(q));
  // Tensors that are not FP8 convert as usual under the same options, so
  // a whole checkpoint can be read with one setting.
  EXPECT_EQ(file.readFloat32("norm", blocks).size(), 2u);
  std::vector<float> into(rows * cols);
  file.readFloat32Into("layer.weight", into.data(), into.size(), blocks);
  EXPECT_EQ(into, dsc::numerics::dequantize(q));
}

TEST(SafeTensors, BlockDequantizationErrorsNameTheTensors) {
  TempDir dir;
  std::string path = dir.file("e.safetensors");
  std::vector<uint8_t> codes(4 * 300, 0x38);
  std::vector<float> scales(3, 1.0f);
  writeSafeTensors(path,
                   {{"a", DType::F8_E4M3, {4, 300}, codes.data(), codes.size()},
                    {"b", DType::F8_E4M3, {4, 300}, codes.data(), codes.size()},
                    {"b_scale_inv", DType::F32, {1, 2}, scales.data(), 8},
                    {"c", DType::F8_E4M3, {4, 300}, codes.data(), codes.size()},
                    {"c_scale_inv", DType::BF16, {1, 3}, scales.data(), 6},
                    {"d", DType::F8_E4M3, {1200}, codes.data(), codes.size()},
                    {"i", DType::I32, {3}, scales.data(), 12}});
  SafeTensorsFile file = SafeTensorsFile::open(path);
  Fp8Options blocks{Fp8Scaling::BlockScaleInv};
  expectContains(errorOf([&] { file.readFloat32("a", blocks); }),
                 {path, "tensor 'a'", "no scale tensor 'a_scale_inv'"});
  expectContains(errorOf([&] { file.readFloat32("b", blocks); }),
                 {"tensor 'b'", "'b_scale_inv' has shape [1, 2]",
                  "expected [1, 3] for [4, 300] in 128x128 blocks"});
  expectContains(errorOf([&] { file.readFloat32("c", blocks); }),
                 {"'c_scale_inv' is BF16, expected F32"});
  expectContains(errorOf([&] { file.readFloat32("d", blocks); }),
                 {"tensor 'd'", "2-D", "[1200]"});
  expectContains(errorOf([&] { file.readFloat32("i"); }),
                 {"tensor 'i'", "I32 cannot be read as FP32"});
  expectContains(errorOf([&] { file.readInt64("a"); }),
                 {"tensor 'a'", "F8_E4M3 is not an integer dtype"});
  expectContains(errorOf([&] { file.view("zz"); }), {path, "no tensor 'zz'"});
  std::vector<float> small(3);
  expectContains(
      errorOf([&] { file.readFloat32Into("a", small.data(), small.size()); }),
      {"tensor 'a'", "1200 elements", "destination holds 3"});
  // Unscaled reading needs no companion.
  EXPECT_EQ(file.readFloat32("a")[0], 1.0f);
}

// ----- validation of hostile files -----

TEST(SafeTensorsValidation, HeaderLength) {
  TempDir dir;
  std::string p = dir.file("f.safetensors");
  writeFile(p, "");
  expectContains(openError(p), {p, "0-byte file is too short"});
  writeFile(p, "abc");
  expectContains(openError(p), {p, "3-byte file is too short"});
  writeFile(p, rawFile("{}", "").substr(0, 9)); // length says 2, 1 present
  expectContains(openError(p), {p, "header length 2 runs past the end",
                                "9-byte file", "truncated"});
  std::string huge(8, '\0');
  uint64_t n = kMaxSafeTensorsHeader + 1;
  std::memcpy(huge.data(), &n, 8);
  writeFile(p, huge + "{}");
  expectContains(openError(p), {p, "header length 100000001 exceeds"});
  std::string all(8, '\xff');
  writeFile(p, all);
  expectContains(openError(p), {p, "exceeds"});
  writeFile(p, rawFile("[]", ""));
  expectContains(openError(p), {p, "not a JSON object"});
  writeFile(p, rawFile("x", ""));
  expectContains(openError(p), {p, "not a JSON object"});
  // A file of another format: its first 8 bytes read as a huge length.
  writeFile(p, "PK\x03\x04 this is a zip file, not safetensors");
  expectContains(openError(p), {p, "exceeds"});
}

TEST(SafeTensorsValidation, HeaderJson) {
  TempDir dir;
  std::string p = dir.file("f.safetensors");
  writeFile(p, rawFile("{\"a\":1,}", ""));
  expectContains(openError(p), {p, "header: JSON error at byte 7"});
  writeFile(p, rawFile("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],"
                       "\"data_offsets\":[0,4]},"
                       "\"t\":{\"dtype\":\"F32\",\"shape\":[1],"
                       "\"data_offsets\":[4,8]}}",
                       std::string(8, '\0')));
  expectContains(openError(p), {p, "duplicate key \"t\""});
  writeFile(p, rawFile("{\"__metadata__\":{\"k\":3}}", ""));
  expectContains(openError(p), {p, "__metadata__ key 'k' is a number"});
  writeFile(p, rawFile("{\"__metadata__\":[]}", ""));
  expectContains(openError(p), {p, "__metadata__ is an array"});
  // Trailing spaces (the writer's padding) are fine; an empty file is fine.
  writeFile(p, rawFile("{}      ", ""));
  EXPECT_TRUE(SafeTensorsFile::open(p).tensors().empty());
}

std::string entry(const std::string &name, const std::string &dtype,
                  const std::string &shape, uint64_t begin, uint64_t end) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(end) + "]}";
}

TEST(SafeTensorsValidation, TensorEntries) {
  TempDir dir;
  std::string p = dir.file("f.safetensors");
  auto check = [&](const std::string &entries, const std::string &data,
                   std::initializer_list<std::string> parts) {
    writeFile(p, rawFile("{" + entries + "}", data));
    std::string message = openError(p);
    expectContains(message, {p});
    expectContains(message, parts);
  };
  std::string d24(24, '\0');
  check(entry("w", "F64", "[3]", 0, 24), d24,
        {"tensor 'w'", "unsupported dtype 'F64'",
         "supported: F32, BF16, F16, F8_E4M3, I32, I64"});
  check(entry("w", "Q4_K", "[3]", 0, 24), d24,
        {"tensor 'w'", "unsupported dtype 'Q4_K'"});
  check(entry("w", "F32", "[2, 3]", 0, 20), std::string(20, '\0'),
        {"tensor 'w'", "shape [2, 3] of F32 needs 24 bytes",
         "data_offsets [0, 20] hold 20"});
  check(entry("w", "F32", "[-1]", 0, 0), "",
        {"tensor 'w'", "'shape' has an element"});
  check(entry("w", "F32", "[1.5]", 0, 0), "", {"tensor 'w'", "'shape'"});
  check(entry("w", "F32", "3", 0, 0), "",
        {"tensor 'w'", "'shape' is a number"});
  check(entry("w", "F8_E4M3", "[4611686018427387904, 4]", 0, 0), "",
        {"tensor 'w'", "overflows"});
  check(entry("w", "F32", "[1]", 8, 4), std::string(8, '\0'),
        {"tensor 'w'", "data_offsets [8, 4] end before they begin"});
  check(entry("w", "F32", "[6]", 0, 24), std::string(16, '\0'),
        {"tensor 'w'", "data_offsets [0, 24] run past the end of the data "
                       "section (16 bytes): the file is truncated"});
  check("\"w\":{\"dtype\":\"F32\",\"shape\":[1]}", "",
        {"tensor 'w'", "missing 'data_offsets'"});
  check("\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}", std::string(4, '\0'),
        {"tensor 'w'", "missing 'dtype'"});
  check("\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}",
        std::string(4, '\0'), {"tensor 'w'", "missing 'shape'"});
  check("\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}",
        std::string(4, '\0'), {"tensor 'w'", "'dtype' is a number"});
  check("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}",
        std::string(4, '\0'), {"tensor 'w'", "two non-negative integers"});
  check("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
        "\"extra\":1}",
        std::string(4, '\0'), {"tensor 'w'", "unexpected key 'extra'"});
  check("\"w\":[1]", "", {"tensor 'w'", "entry is an array"});
  check(entry("", "F32", "[1]", 0, 4), std::string(4, '\0'), {"empty name"});
}

TEST(SafeTensorsValidation, OffsetsMustTileTheData) {
  TempDir dir;
  std::string p = dir.file("f.safetensors");
  auto check = [&](const std::string &entries, size_t dataBytes,
                   std::initializer_list<std::string> parts) {
    writeFile(p, rawFile("{" + entries + "}", std::string(dataBytes, '\0')));
    std::string message = openError(p);
    expectContains(message, {p});
    expectContains(message, parts);
  };
  check(entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[4]", 8, 24),
        24, {"tensors 'a' [0, 16] and 'b' [8, 24] overlap"});
  check(entry("a", "F32", "[4]", 0, 16) + "," + entry("b", "F32", "[4]", 0, 16),
        16, {"overlap"});
  check(entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 12, 20),
        20,
        {"data bytes [8, 12] between tensors 'a' and 'b' belong to no "
         "tensor"});
  check(entry("b", "F32", "[2]", 4, 12), 12,
        {"data bytes [0, 4] before tensor 'b'"});
  check(entry("a", "F32", "[2]", 0, 8), 11,
        {"3 bytes after the last tensor belong to no tensor"});
  // Listed out of order in the header but tiling the data: valid.
  writeFile(p, rawFile("{" + entry("z", "F32", "[1]", 0, 4) + "," +
                           entry("a", "I64", "[1]", 4, 12) + "}",
                       std::string(12, '\0')));
  SafeTensorsFile file = SafeTensorsFile::open(p);
  ASSERT_EQ(file.tensors().size(), 2u);
  EXPECT_EQ(file.tensors()[0].name, "a");
  EXPECT_EQ(file.tensors()[0].begin, 4u);
}

TEST(SafeTensorsValidation, NotARegularFile) {
  TempDir dir;
  expectContains(openError(dir.path()), {dir.path(), "not a regular file"});
  expectContains(openError(dir.file("missing")),
                 {dir.file("missing"), "cannot open", "No such file"});
}

// Every prefix of a valid file and many corrupted copies must be either
// accepted or refused with an Error: never a crash or an out-of-bounds
// read (run under a sanitizer to make the latter visible).
TEST(SafeTensorsValidation, TruncationsAndCorruptionsAreRefusedCleanly) {
  TempDir dir;
  std::string good = dir.file("good.safetensors");
  std::vector<OwnedTensor> tensors = everyDType();
  writeSafeTensors(good, refs(tensors), {{"k", "v"}});
  std::string bytes = readFile(good);
  std::string p = dir.file("bad.safetensors");
  for (size_t length = 0; length < bytes.size(); ++length) {
    writeFile(p, bytes.substr(0, length));
    EXPECT_FALSE(errorOf([&] { SafeTensorsFile::open(p); }).empty()) << length;
  }
  std::mt19937 rng(1);
  size_t accepted = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::string corrupt = bytes;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f)
      corrupt[rng() % corrupt.size()] = static_cast<char>(rng() & 0xFF);
    writeFile(p, corrupt);
    try {
      SafeTensorsFile file = SafeTensorsFile::open(p);
      for (const TensorInfo &info : file.tensors()) {
        TensorView v = file.view(info.name);
        // Touch every byte the view claims (a sanitizer flags any beyond
        // the mapping).
        unsigned sum = 0;
        for (size_t i = 0; i < v.bytes; ++i)
          sum += v.data[i];
        (void)sum;
        ASSERT_EQ(v.bytes, v.numel() * dtypeSize(v.dtype));
        if (info.dtype != DType::I32 && info.dtype != DType::I64)
          file.readFloat32(info.name, {Fp8Scaling::None});
      }
      ++accepted; // e.g. a flipped byte inside the data section
    } catch (const Error &) {
    }
  }
  EXPECT_GT(accepted, 0u);
}

} // namespace
