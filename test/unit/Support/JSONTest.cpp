//===- JSONTest.cpp - the JSON entry point's nesting limit ----------------===//

#include "dsc/Support/JSON.h"
#include "dsc/Support/Nesting.h"
#include "gtest/gtest.h"
#include <string>

using namespace dsc;

namespace {

std::string nested(unsigned depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string errorOf(llvm::StringRef text) {
  llvm::Expected<llvm::json::Value> value = parseJSON(text, "f.json");
  if (value)
    return "";
  return llvm::toString(value.takeError());
}

TEST(JSONTest, AcceptsTheLimit) {
  llvm::Expected<llvm::json::Value> value =
      parseJSON(nested(kMaxJSONDepth), "f.json");
  ASSERT_TRUE(bool(value)) << llvm::toString(value.takeError());
  EXPECT_NE(value->getAsArray(), nullptr);
}

TEST(JSONTest, RefusesOneLevelMoreNamingLineAndColumn) {
  EXPECT_EQ(errorOf("{\"a\":\n" + nested(kMaxJSONDepth)),
            "f.json:2:256: JSON nested deeper than 256 levels of arrays and "
            "objects; no dsc file nests like this: is it the right file?");
}

TEST(JSONTest, RefusesDeepFilesWithoutRecursing) {
  // Deep enough to overflow the stack if anything recursed per level.
  std::string deep = nested(1000000);
  EXPECT_NE(errorOf(deep).find("f.json:1:257: JSON nested deeper"),
            std::string::npos);
}

TEST(JSONTest, BracketsInStringsDoNotCount) {
  std::string text = "[\"" + std::string(1000, '[') + "\\\"{\"]";
  llvm::Expected<llvm::json::Value> value = parseJSON(text, "f.json");
  ASSERT_TRUE(bool(value)) << llvm::toString(value.takeError());
  EXPECT_FALSE(findNestingExcess(text, 1, NestingSyntax::JSON));
}

TEST(JSONTest, ObjectsCountLikeArrays) {
  std::string text;
  for (unsigned i = 0; i < 3; ++i)
    text += "{\"k\":";
  text += "1}}}";
  EXPECT_FALSE(findNestingExcess(text, 3, NestingSyntax::JSON));
  std::optional<NestingExcess> excess =
      findNestingExcess(text, 2, NestingSyntax::JSON);
  ASSERT_TRUE(excess);
  EXPECT_EQ(excess->line, 1u);
  EXPECT_EQ(excess->column, 11u);
}

TEST(NestingTest, MLIRCountsEveryBracketButArrowsAndComments) {
  EXPECT_FALSE(findNestingExcess("(a) -> (b) -> <c>", 1, NestingSyntax::MLIR));
  EXPECT_FALSE(findNestingExcess("// (((\n[\"<<\"]", 1, NestingSyntax::MLIR));
  std::optional<NestingExcess> excess =
      findNestingExcess("x\n{ a<b(c)> }", 2, NestingSyntax::MLIR);
  ASSERT_TRUE(excess);
  EXPECT_EQ(excess->line, 2u);
  EXPECT_EQ(excess->column, 6u);
  // JSON has no comments and no angle or round brackets.
  EXPECT_FALSE(findNestingExcess("[\"a\", \"<((\"]", 1, NestingSyntax::JSON));
}

TEST(JSONTest, SyntaxErrorsNameTheFile) {
  EXPECT_EQ(errorOf("{]"), "f.json: not valid JSON: [1:2, byte=2]: Expected "
                           "object key");
}

} // namespace
