//===- TokenFileTest.cpp - token files ------------------------------------===//

#include "dsc/io/TokenFile.h"
#include "TestUtil.h"
#include <cstring>

using namespace dsc::io;
using namespace dsc::io::test;

namespace {

std::string header(const char *magic, uint32_t width, uint32_t vocab) {
  std::string h(magic, 8);
  h.append(reinterpret_cast<const char *>(&width), 4);
  h.append(reinterpret_cast<const char *>(&vocab), 4);
  return h;
}

std::string openError(const std::string &path) {
  return errorOf([&] { TokenFile::open(path); });
}

TEST(TokenFile, RoundTripsTwoByteIdsWithTheSpecifiedLayout) {
  TempDir dir;
  std::string path = dir.file("t.tok");
  std::vector<uint32_t> ids = {0, 1, 255, 256, 511, 258, 42};
  writeTokenFile(path, ids, 512);
  std::string bytes = readFile(path);
  ASSERT_EQ(bytes.size(), 16 + 2 * ids.size());
  // The spec, byte by byte: magic, width 2, vocabulary 512, then LE ids.
  EXPECT_EQ(bytes.substr(0, 16), header("DSCTOKv1", 2, 512));
  EXPECT_EQ(bytes.substr(16, 6), std::string("\x00\x00\x01\x00\xff\x00", 6));
  EXPECT_EQ(bytes.substr(24, 2), std::string("\xff\x01", 2)); // 511

  TokenFile file = TokenFile::open(path);
  EXPECT_EQ(file.width(), 2u);
  EXPECT_EQ(file.vocabSize(), 512u);
  EXPECT_EQ(file.size(), ids.size());
  EXPECT_EQ(file.readAll(), ids);
  EXPECT_EQ(file[4], 511u);
  std::vector<uint32_t> part(3);
  file.read(2, 3, part.data());
  EXPECT_EQ(part, (std::vector<uint32_t>{255, 256, 511}));
}

TEST(TokenFile, RoundTripsFourByteIds) {
  TempDir dir;
  std::string path = dir.file("t.tok");
  std::vector<uint32_t> ids = {0, 65535, 65536, 99999, 7};
  writeTokenFile(path, ids, 100000);
  TokenFile file = TokenFile::open(path);
  EXPECT_EQ(file.width(), 4u);
  EXPECT_EQ(file.readAll(), ids);
  EXPECT_EQ(readFile(path).size(), 16 + 4 * ids.size());
  // The largest vocabulary 2-byte ids can hold, and an explicit width.
  writeTokenFile(path, {65535}, 65536);
  EXPECT_EQ(TokenFile::open(path).width(), 2u);
  writeTokenFile(path, {3, 4}, 10, 4);
  EXPECT_EQ(TokenFile::open(path).width(), 4u);
  EXPECT_EQ(TokenFile::open(path).readAll(), (std::vector<uint32_t>{3, 4}));
  writeTokenFile(path, {}, 10);
  EXPECT_EQ(TokenFile::open(path).size(), 0u);
}

TEST(TokenFile, RejectsBadFiles) {
  TempDir dir;
  std::string p = dir.file("bad.tok");
  writeFile(p, "DSCTOK");
  expectContains(openError(p), {p, "6-byte file is shorter than the 16-byte"});
  writeFile(p, header("DSCTOKv2", 2, 512));
  expectContains(openError(p), {p, "bad magic"});
  writeFile(p, header("GPT2TOKS", 2, 512) + "ab");
  expectContains(openError(p), {p, "bad magic"});
  writeFile(p, header("DSCTOKv1", 3, 512));
  expectContains(openError(p), {p, "element width 3 is not 2 or 4"});
  writeFile(p, header("DSCTOKv1", 2, 0));
  expectContains(openError(p), {p, "vocabulary size is 0"});
  writeFile(p, header("DSCTOKv1", 2, 70000));
  expectContains(openError(p), {p, "70000 does not fit 2-byte ids"});
  writeFile(p, header("DSCTOKv1", 2, 512) + std::string("\x01\x00\x02", 3));
  expectContains(openError(p), {p, "truncated: 1 trailing byte(s)"});
  writeFile(p, header("DSCTOKv1", 4, 512) + std::string(6, '\0'));
  expectContains(openError(p),
                 {p, "truncated: 2 trailing byte(s)", "4-byte id"});
  writeFile(p, header("DSCTOKv1", 2, 300) +
                   std::string("\x01\x00\x2c\x01", 4)); // 1, 300
  expectContains(openError(p),
                 {p, "token 1 is id 300, outside the vocabulary of 300"});
  expectContains(openError(dir.file("none.tok")), {"cannot open"});

  writeTokenFile(p, {1, 2, 3}, 10);
  TokenFile file = TokenFile::open(p);
  std::vector<uint32_t> out(4);
  expectContains(errorOf([&] { file.read(1, 3, out.data()); }),
                 {p, "cannot read tokens [1, 1 + 3)", "the file has 3"});
  expectContains(errorOf([&] { file.read(SIZE_MAX, 2, out.data()); }),
                 {"cannot read tokens"});
}

TEST(TokenFile, WriterRejectsBadIdsAndWritesNothing) {
  TempDir dir;
  std::string p = dir.file("w.tok");
  expectContains(errorOf([&] {
                   writeTokenFile(p, {1, 512, 3}, 512);
                 }),
                 {p, "token 1 is id 512, outside the vocabulary of 512"});
  expectContains(errorOf([&] { writeTokenFile(p, {1}, 70000, 2); }),
                 {p, "does not fit 2-byte ids"});
  expectContains(errorOf([&] { writeTokenFile(p, {1}, 10, 3); }),
                 {"element width 3"});
  expectContains(errorOf([&] { writeTokenFile(p, {}, 0); }),
                 {"vocabulary size is 0"});
  EXPECT_TRUE(dir.entries().empty());
}

} // namespace
