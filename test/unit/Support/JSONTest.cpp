//===- JSONTest.cpp - the JSON entry point's nesting limit ----------------===//

#include "dsc/Support/JSON.h"
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
  EXPECT_FALSE(findJSONDepthExcess(text, 1));
}

TEST(JSONTest, ObjectsCountLikeArrays) {
  std::string text;
  for (unsigned i = 0; i < 3; ++i)
    text += "{\"k\":";
  text += "1}}}";
  EXPECT_FALSE(findJSONDepthExcess(text, 3));
  std::optional<JSONDepthExcess> excess = findJSONDepthExcess(text, 2);
  ASSERT_TRUE(excess);
  EXPECT_EQ(excess->line, 1u);
  EXPECT_EQ(excess->column, 11u);
}

TEST(JSONTest, SyntaxErrorsNameTheFile) {
  EXPECT_EQ(errorOf("{]"), "f.json: not valid JSON: [1:2, byte=2]: Expected "
                           "object key");
}

} // namespace
