//===- TokensToolTest.cpp - the dsc-tokens command line -------------------===//

#include "TokensTool.h"
#include "TestUtil.h"
#include "dsc/io/TokenFile.h"
#include <sstream>

using namespace dsc::io;
using namespace dsc::io::test;

namespace {

struct RunResult {
  int code;
  std::string out, err;
};

RunResult run(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = runTokensTool(args, out, err);
  return {code, out.str(), err.str()};
}

/// A failure: exit 1, nothing on stdout, one "dsc-tokens: error:" line
/// holding every part.
void expectFailure(const RunResult &r,
                   std::initializer_list<std::string> parts) {
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("dsc-tokens: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  expectContains(r.err, parts);
}

const std::string kSample = sourcePath("examples/data/sample.txt");

TEST(TokensTool, EncodeInfoDecodeRoundTrip) {
  TempDir dir;
  std::string tok = dir.file("s.tok");
  std::string text = readFile(kSample);
  RunResult enc = run({"encode", kSample, "-o", tok});
  ASSERT_EQ(enc.code, 0) << enc.err;
  EXPECT_EQ(enc.err, "");
  expectContains(enc.out,
                 {"wrote " + tok, std::to_string(text.size() + 1) + " tokens",
                  "1 document", "vocabulary 512", "2-byte ids"});

  RunResult info = run({"info", tok});
  ASSERT_EQ(info.code, 0) << info.err;
  expectContains(info.out,
                 {"format: DSCTOKv1, 2-byte ids", "vocabulary: 512",
                  "tokens: " + std::to_string(text.size() + 1), "documents: 1",
                  "other special tokens: 0", "largest id: 256"});

  RunResult dec = run({"decode", tok});
  ASSERT_EQ(dec.code, 0) << dec.err;
  EXPECT_EQ(dec.out, text);

  std::string back = dir.file("back.txt");
  RunResult decFile = run({"decode", tok, "-o", back});
  ASSERT_EQ(decFile.code, 0) << decFile.err;
  EXPECT_EQ(decFile.out, "");
  EXPECT_EQ(readFile(back), text);
}

TEST(TokensTool, EncodesSeveralDocumentsAndWideVocabularies) {
  TempDir dir;
  writeFile(dir.file("a.txt"), "first\n");
  writeFile(dir.file("b.txt"), std::string("second \xff\x00 bytes", 15));
  std::string tok = dir.file("ab.tok");
  RunResult enc = run({"encode", dir.file("a.txt"), dir.file("b.txt"), "-o",
                       tok, "--vocab=100000"});
  ASSERT_EQ(enc.code, 0) << enc.err;
  expectContains(enc.out, {"2 documents", "4-byte ids"});
  TokenFile file = TokenFile::open(tok);
  EXPECT_EQ(file.vocabSize(), 100000u);
  EXPECT_EQ(file.size(), 6u + 1 + 15 + 1);
  expectContains(run({"info", tok}).out, {"documents: 2"});
  EXPECT_EQ(run({"decode", tok}).out,
            std::string("first\nsecond \xff\x00 bytes", 21));
  RunResult help = run({"--help"});
  EXPECT_EQ(help.code, 0);
  expectContains(help.out, {"usage: dsc-tokens encode"});
}

TEST(TokensTool, BadInputIsOneLineAndNoOutputFile) {
  TempDir dir;
  std::string out = dir.file("out.tok");
  std::string missing = dir.file("missing.txt");

  RunResult none = run({});
  EXPECT_EQ(none.code, 1);
  expectContains(none.err, {"usage:"});
  expectFailure(run({"compress", kSample}), {"unknown command 'compress'"});
  expectFailure(run({"encode", kSample}), {"encode needs -o FILE.tok"});
  expectFailure(run({"encode", "-o", out}), {"at least one TEXT"});
  expectFailure(run({"encode", missing, "-o", out}),
                {missing, "cannot open", "No such file"});
  expectFailure(run({"encode", dir.path(), "-o", out}), {"not a regular file"});
  expectFailure(run({"encode", kSample, "-o", out, "--vocab", "100"}),
                {"--vocab 100 is smaller than the byte tokenizer's 259"});
  expectFailure(run({"encode", kSample, "-o", out, "--vocab", "12x"}),
                {"--vocab '12x' is not an integer"});
  expectFailure(run({"encode", kSample, "-o", out, "--vocab", "4294967296"}),
                {"is not an integer"});
  expectFailure(run({"encode", kSample, "-o", out, "--vocab"}),
                {"--vocab needs a value"});
  expectFailure(run({"encode", kSample, "-o", out, "--fast"}),
                {"unknown option '--fast'"});
  expectFailure(run({"encode", kSample, "-o", dir.file("no/dir/x.tok")}),
                {"cannot create a temporary file"});
  EXPECT_TRUE(dir.entries().empty());

  // Token files that are bad, or not token files at all.
  expectFailure(run({"info", kSample}), {kSample, "bad magic"});
  expectFailure(run({"decode", kSample}), {kSample, "bad magic"});
  expectFailure(run({"decode"}), {"exactly one FILE.tok"});
  expectFailure(run({"info", out}), {"cannot open"});
  expectFailure(run({"decode", out, "--vocab", "512"}),
                {"--vocab applies to encode only"});
  expectFailure(run({"info", kSample, "-o", out}), {"info takes no -o"});

  // Valid as a token file but not byte-tokenizer ids: decode refuses and
  // leaves no partial text behind.
  std::string wide = dir.file("wide.tok");
  writeTokenFile(wide, {'o', 'k', 300}, 512);
  std::string text = dir.file("text.txt");
  expectFailure(run({"decode", wide, "-o", text}), {wide, "token 2 is id 300"});
  expectFailure(run({"decode", wide}), {"token 2 is id 300"});
  EXPECT_FALSE(fileExists(text));
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"wide.tok"});
}

} // namespace
