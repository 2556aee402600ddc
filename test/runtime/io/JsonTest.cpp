//===- JsonTest.cpp - the strict JSON parser ------------------------------===//

#include "dsc/io/Json.h"
#include "TestUtil.h"

using namespace dsc::io;
using namespace dsc::io::test;

namespace {

JsonValue parse(const std::string &text) { return parseJson(text, "t.json"); }

std::string parseError(const std::string &text) {
  return errorOf([&] { parse(text); });
}

TEST(Json, ParsesEveryKind) {
  JsonValue v = parse(R"( {"a": [1, -2.5e3, true, false, null], "b": {"c": "d"},
                           "e": ""} )");
  ASSERT_TRUE(v.isObject());
  ASSERT_EQ(v.members().size(), 3u);
  EXPECT_EQ(v.members()[0].first, "a"); // file order kept
  const JsonValue *a = v.find("a");
  ASSERT_TRUE(a && a->isArray());
  ASSERT_EQ(a->elements().size(), 5u);
  EXPECT_EQ(a->elements()[0].numberText(), "1");
  EXPECT_EQ(a->elements()[1].numberText(), "-2.5e3");
  EXPECT_TRUE(a->elements()[2].isBool() && a->elements()[2].boolValue());
  EXPECT_TRUE(a->elements()[3].isBool() && !a->elements()[3].boolValue());
  EXPECT_TRUE(a->elements()[4].isNull());
  EXPECT_EQ(v.find("b")->find("c")->stringValue(), "d");
  EXPECT_EQ(v.find("e")->stringValue(), "");
  EXPECT_EQ(v.find("missing"), nullptr);
}

TEST(Json, DecodesEscapesAndUtf8) {
  JsonValue v = parse(R"("q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\ud83d\ude00 é")");
  EXPECT_EQ(v.stringValue(), "q\" b\\ s/ \b\f\n\r\t A\xc3\xa9\xf0\x9f\x98\x80 "
                             "\xc3\xa9");
}

TEST(Json, QuoteRoundTrips) {
  std::string nasty = std::string("a\"b\\c\nd\te\x01\x1f") + "\xc3\xa9";
  EXPECT_EQ(parse(jsonQuote(nasty)).stringValue(), nasty);
  EXPECT_EQ(jsonQuote("\x01"), "\"\\u0001\"");
}

TEST(Json, UInt64IsExact) {
  EXPECT_EQ(parse("18446744073709551615").asUInt64(), UINT64_MAX);
  EXPECT_EQ(parse("0").asUInt64(), 0u);
  EXPECT_EQ(parse("9007199254740993").asUInt64(), 9007199254740993ull);
  EXPECT_FALSE(parse("18446744073709551616").asUInt64()); // 2^64
  EXPECT_FALSE(parse("-1").asUInt64());
  EXPECT_FALSE(parse("1.0").asUInt64());
  EXPECT_FALSE(parse("1e3").asUInt64());
  EXPECT_FALSE(parse("\"1\"").asUInt64());
}

TEST(Json, RejectsWhatRfc8259Rejects) {
  expectContains(parseError("[1, 2,]"),
                 {"t.json", "byte 6", "expected a value"});
  expectContains(parseError("{\"a\": 1,}"), {"expected a string key"});
  expectContains(parseError("{\"a\" 1}"), {"expected ':'"});
  expectContains(parseError("01"), {"leading zero"});
  expectContains(parseError("1."), {"digit after '.'"});
  expectContains(parseError("-"), {"expected a digit"});
  expectContains(parseError("1e"), {"exponent"});
  expectContains(parseError("\"a\nb\""), {"control character"});
  expectContains(parseError("\"\\x\""), {"invalid escape"});
  expectContains(parseError("\"\\u12g4\""), {"hex digit"});
  expectContains(parseError("\"\\ud800\""), {"unpaired high surrogate"});
  expectContains(parseError("\"\\udc00\""), {"unpaired low surrogate"});
  expectContains(parseError("\"\xff\""), {"invalid UTF-8"});
  expectContains(parseError("\"\xc0\xaf\""), {"invalid UTF-8"}); // overlong
  expectContains(parseError("\"\xed\xa0\x80\""),
                 {"invalid UTF-8"});                     // surrogate
  expectContains(parseError("\"\xe2\x82\""), {"UTF-8"}); // truncated
  expectContains(parseError("\"abc"), {"unterminated string"});
  expectContains(parseError("tru"), {"invalid literal"});
  expectContains(parseError("{} x"), {"unexpected text after"});
  expectContains(parseError(""), {"end of the text"});
  expectContains(parseError("{\"k\": 1, \"k\": 2}"), {"duplicate key \"k\""});
  expectContains(parseError("// c\n{}"), {"expected a value"});
}

TEST(Json, LimitsNesting) {
  std::string ok(kMaxJsonDepth, '[');
  ok += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(parse(ok).isArray());
  // Far deeper than the limit: must fail cleanly, not overflow the stack.
  std::string deep(100000, '[');
  expectContains(parseError(deep), {"nesting deeper than 64"});
}

} // namespace

namespace {

TEST(Json, Utf8Validation) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80")); // é € 😀
  EXPECT_FALSE(isValidUtf8("\x80"));             // lone continuation
  EXPECT_FALSE(isValidUtf8("\xc3"));             // truncated
  EXPECT_FALSE(isValidUtf8("\xe0\x80\xaf"));     // overlong
  EXPECT_FALSE(isValidUtf8("\xed\xa0\x80"));     // surrogate
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80")); // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("a\xffz"));
}

} // namespace
