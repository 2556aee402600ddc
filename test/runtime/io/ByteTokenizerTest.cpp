//===- ByteTokenizerTest.cpp - the byte tokenizer and the bundled sample --===//

#include "dsc/io/ByteTokenizer.h"
#include "TestUtil.h"
#include "dsc/io/TokenFile.h"
#include <cmath>
#include <set>
#include <sstream>

using namespace dsc::io;
using namespace dsc::io::test;

namespace {

TEST(ByteTokenizer, EncodesBytesThenEndOfDocument) {
  EXPECT_EQ(encodeBytes("ab c"),
            (std::vector<uint32_t>{'a', 'b', ' ', 'c', kEndOfDocument}));
  EXPECT_EQ(encodeBytes(""), std::vector<uint32_t>{kEndOfDocument});
  // Every byte value, NUL and non-UTF-8 included, is its own id.
  std::string all;
  for (int b = 0; b < 256; ++b)
    all.push_back(static_cast<char>(b));
  std::vector<uint32_t> ids = encodeBytes(all);
  ASSERT_EQ(ids.size(), 257u);
  for (uint32_t b = 0; b < 256; ++b)
    EXPECT_EQ(ids[b], b);
  EXPECT_EQ(decodeBytes(ids), all);
}

TEST(ByteTokenizer, DecodeDropsSpecialsAndRejectsUnknownIds) {
  std::vector<uint32_t> ids = {kBeginOfDocument, 'h',      'i',
                               kEndOfDocument,   kPadding, kPadding};
  EXPECT_EQ(decodeBytes(ids), "hi");
  std::vector<uint32_t> two;
  appendEncodedBytes("one", two);
  appendEncodedBytes("two", two);
  EXPECT_EQ(two.size(), 8u);
  EXPECT_EQ(decodeBytes(two), "onetwo");
  expectContains(errorOf([&] {
                   decodeBytes({'a', 300});
                 }),
                 {"token 1 is id 300", "neither a byte", "special"});
  EXPECT_STREQ(specialTokenName(kEndOfDocument), "<eod>");
  EXPECT_EQ(specialTokenName('a'), nullptr);
  EXPECT_EQ(kByteTokenizerMinVocab, 259u);
}

std::string sample() {
  return readFile(sourcePath("examples/data/sample.txt"));
}

TEST(ByteTokenizer, SampleRoundTripsThroughATokenFile) {
  std::string text = sample();
  TempDir dir;
  std::string path = dir.file("sample.tok");
  std::vector<uint32_t> ids = encodeBytes(text);
  writeTokenFile(path, ids, 512);
  TokenFile file = TokenFile::open(path);
  EXPECT_EQ(file.size(), text.size() + 1);
  EXPECT_EQ(file.width(), 2u);
  EXPECT_EQ(decodeBytes(file.readAll()), text);
}

// The sample exists to train tiny models: 50-100 KB of plain, varied
// English whose next byte is predictable from context (a model's loss can
// fall) without being repetitive (it cannot fall to nothing by copying).
TEST(Sample, IsVariedEnglishThatContextPredicts) {
  std::string text = sample();
  EXPECT_GE(text.size(), 50u * 1024);
  EXPECT_LE(text.size(), 100u * 1024);
  for (unsigned char c : text)
    ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << int(c);
  std::istringstream words(text);
  std::set<std::string> distinct;
  size_t count = 0;
  for (std::string w; words >> w; ++count)
    distinct.insert(w);
  EXPECT_GT(count, 8000u);
  EXPECT_GT(distinct.size(), 2500u);

  // Held-out cross-entropy (bits per byte) of count models fitted on the
  // first 90 %: uniform over the 259-id vocabulary, unigram, and bigram
  // (add-one smoothing). Context must help a lot: the same fall a tiny LM's
  // loss shows in its first steps.
  size_t split = text.size() * 9 / 10;
  std::vector<double> uni(256, 1.0);
  std::vector<double> bi(256 * 256, 1.0);
  std::vector<double> biRow(256, 256.0);
  for (size_t i = 0; i < split; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uni[c] += 1;
    if (i > 0) {
      unsigned char p = static_cast<unsigned char>(text[i - 1]);
      bi[p * 256 + c] += 1;
      biRow[p] += 1;
    }
  }
  double uniTotal = static_cast<double>(split) + 256;
  double uniBits = 0, biBits = 0;
  size_t n = 0;
  for (size_t i = split; i < text.size(); ++i, ++n) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    unsigned char p = static_cast<unsigned char>(text[i - 1]);
    uniBits -= std::log2(uni[c] / uniTotal);
    biBits -= std::log2(bi[p * 256 + c] / biRow[p]);
  }
  uniBits /= static_cast<double>(n);
  biBits /= static_cast<double>(n);
  double uniform = std::log2(259.0);
  EXPECT_LT(uniBits, uniform - 3.0); // ~4.25 bits vs ~8
  EXPECT_LT(biBits, uniBits - 0.5);  // ~3.56: context predicts the next byte
  EXPECT_GT(biBits, 2.0);            // but it is not a copy of itself
}

} // namespace
