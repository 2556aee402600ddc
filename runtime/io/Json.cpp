//===- Json.cpp - a strict JSON parser for file headers -------------------===//

#include "dsc/io/Json.h"
#include "dsc/io/Error.h"
#include <cstdio>

namespace dsc::io {

JsonValue JsonValue::makeBool(bool value) {
  JsonValue v;
  v.kind_ = Kind::Bool;
  v.bool_ = value;
  return v;
}

JsonValue JsonValue::makeNumber(std::string text) {
  JsonValue v;
  v.kind_ = Kind::Number;
  v.text_ = std::move(text);
  return v;
}

JsonValue JsonValue::makeString(std::string value) {
  JsonValue v;
  v.kind_ = Kind::String;
  v.text_ = std::move(value);
  return v;
}

JsonValue JsonValue::makeArray(std::vector<JsonValue> elements) {
  JsonValue v;
  v.kind_ = Kind::Array;
  v.elements_ = std::move(elements);
  return v;
}

JsonValue
JsonValue::makeObject(std::vector<std::pair<std::string, JsonValue>> members) {
  JsonValue v;
  v.kind_ = Kind::Object;
  v.members_ = std::move(members);
  return v;
}

const JsonValue *JsonValue::find(std::string_view key) const {
  for (const auto &member : members_)
    if (member.first == key)
      return &member.second;
  return nullptr;
}

std::optional<uint64_t> JsonValue::asUInt64() const {
  if (kind_ != Kind::Number || text_.empty())
    return std::nullopt;
  uint64_t value = 0;
  for (char c : text_) {
    // A sign, fraction or exponent makes it something other than a count.
    if (c < '0' || c > '9')
      return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

const char *jsonKindName(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::Kind::Null:
    return "null";
  case JsonValue::Kind::Bool:
    return "boolean";
  case JsonValue::Kind::Number:
    return "number";
  case JsonValue::Kind::String:
    return "string";
  case JsonValue::Kind::Array:
    return "array";
  case JsonValue::Kind::Object:
    return "object";
  }
  return "value";
}

bool isValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned cp;
    if (lead < 0xC2 || lead > 0xF4)
      return false;
    if (lead < 0xE0) {
      length = 2;
      cp = lead & 0x1F;
    } else if (lead < 0xF0) {
      length = 3;
      cp = lead & 0x0F;
    } else {
      length = 4;
      cp = lead & 0x07;
    }
    if (text.size() - i < length)
      return false;
    for (size_t k = 1; k < length; ++k) {
      unsigned char c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return false;
    i += length;
  }
  return true;
}

std::string jsonKindPhrase(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::Kind::Null:
    return "null";
  case JsonValue::Kind::Array:
    return "an array";
  case JsonValue::Kind::Object:
    return "an object";
  default:
    return std::string("a ") + jsonKindName(kind);
  }
}

namespace {

class Parser {
public:
  Parser(std::string_view text, std::string_view context)
      : text_(text), context_(context) {}

  JsonValue parseDocument() {
    skipSpace();
    JsonValue value = parseValue(0);
    skipSpace();
    if (pos_ != text_.size())
      fail("unexpected text after the JSON value");
    return value;
  }

private:
  [[noreturn]] void fail(const std::string &what) const {
    throw Error(std::string(context_) + ": JSON error at byte " +
                std::to_string(pos_) + ": " + what);
  }

  bool atEnd() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }

  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' ||
                        peek() == '\r'))
      ++pos_;
  }

  void expect(char c) {
    if (atEnd())
      fail(std::string("expected '") + c + "', found the end of the text");
    if (peek() != c)
      fail(std::string("expected '") + c + "', found " + describeHere());
    ++pos_;
  }

  std::string describeHere() const {
    if (atEnd())
      return "the end of the text";
    unsigned char c = static_cast<unsigned char>(peek());
    if (c >= 0x20 && c < 0x7f)
      return std::string("'") + static_cast<char>(c) + "'";
    char buf[16];
    std::snprintf(buf, sizeof buf, "byte 0x%02x", c);
    return buf;
  }

  JsonValue parseValue(int depth) {
    if (atEnd())
      fail("expected a value, found the end of the text");
    switch (peek()) {
    case '{':
      return parseObject(depth + 1);
    case '[':
      return parseArray(depth + 1);
    case '"':
      return JsonValue::makeString(parseString());
    case 't':
      parseLiteral("true");
      return JsonValue::makeBool(true);
    case 'f':
      parseLiteral("false");
      return JsonValue::makeBool(false);
    case 'n':
      parseLiteral("null");
      return JsonValue();
    default:
      if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
        return JsonValue::makeNumber(parseNumber());
      fail("expected a value, found " + describeHere());
    }
  }

  void parseLiteral(std::string_view literal) {
    if (text_.substr(pos_, literal.size()) != literal)
      fail("invalid literal (expected '" + std::string(literal) + "')");
    pos_ += literal.size();
  }

  void checkDepth(int depth) {
    if (depth > kMaxJsonDepth)
      fail("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }

  JsonValue parseObject(int depth) {
    checkDepth(depth);
    expect('{');
    std::vector<std::pair<std::string, JsonValue>> members;
    skipSpace();
    if (!atEnd() && peek() == '}') {
      ++pos_;
      return JsonValue::makeObject(std::move(members));
    }
    for (;;) {
      skipSpace();
      if (atEnd() || peek() != '"')
        fail("expected a string key, found " + describeHere());
      size_t keyPos = pos_;
      std::string key = parseString();
      // Duplicates are ambiguous (which one wins differs between parsers),
      // and a header with two entries for one tensor is corrupt.
      for (const auto &member : members)
        if (member.first == key) {
          pos_ = keyPos;
          fail("duplicate key " + jsonQuote(key));
        }
      skipSpace();
      expect(':');
      skipSpace();
      JsonValue value = parseValue(depth);
      members.emplace_back(std::move(key), std::move(value));
      skipSpace();
      if (atEnd())
        fail("expected ',' or '}', found the end of the text");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return JsonValue::makeObject(std::move(members));
      }
      fail("expected ',' or '}', found " + describeHere());
    }
  }

  JsonValue parseArray(int depth) {
    checkDepth(depth);
    expect('[');
    std::vector<JsonValue> elements;
    skipSpace();
    if (!atEnd() && peek() == ']') {
      ++pos_;
      return JsonValue::makeArray(std::move(elements));
    }
    for (;;) {
      skipSpace();
      elements.push_back(parseValue(depth));
      skipSpace();
      if (atEnd())
        fail("expected ',' or ']', found the end of the text");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return JsonValue::makeArray(std::move(elements));
      }
      fail("expected ',' or ']', found " + describeHere());
    }
  }

  std::string parseNumber() {
    size_t start = pos_;
    if (peek() == '-')
      ++pos_;
    if (atEnd() || !isDigit(peek()))
      fail("invalid number: expected a digit");
    if (peek() == '0') {
      ++pos_;
      if (!atEnd() && isDigit(peek()))
        fail("invalid number: leading zero");
    } else {
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    if (!atEnd() && peek() == '.') {
      ++pos_;
      if (atEnd() || !isDigit(peek()))
        fail("invalid number: expected a digit after '.'");
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!atEnd() && (peek() == '+' || peek() == '-'))
        ++pos_;
      if (atEnd() || !isDigit(peek()))
        fail("invalid number: expected a digit in the exponent");
      while (!atEnd() && isDigit(peek()))
        ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  static bool isDigit(char c) { return c >= '0' && c <= '9'; }

  unsigned parseHex4() {
    if (text_.size() - pos_ < 4)
      fail("truncated \\u escape");
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else {
        --pos_;
        fail("invalid hex digit in \\u escape");
      }
    }
    return value;
  }

  static void appendUtf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  /// Copies one UTF-8 encoded character starting at pos_, validating it
  /// (no overlong forms, surrogates or code points above U+10FFFF).
  void copyUtf8(std::string &out) {
    unsigned char lead = static_cast<unsigned char>(peek());
    if (lead < 0xC2 || lead > 0xF4) // a continuation byte or never valid
      fail("invalid UTF-8 in string");
    size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (text_.size() - pos_ < length)
      fail("truncated UTF-8 in string");
    std::string_view character = text_.substr(pos_, length);
    if (!isValidUtf8(character))
      fail("invalid UTF-8 in string");
    out.append(character);
    pos_ += length;
  }

  std::string parseString() {
    expect('"');
    std::string out;
    for (;;) {
      if (atEnd())
        fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20)
        fail("control character in string (must be escaped)");
      if (c >= 0x80) {
        copyUtf8(out);
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (atEnd())
        fail("unterminated escape");
      char e = text_[pos_++];
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp = parseHex4();
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          fail("unpaired low surrogate in \\u escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u")
            fail("unpaired high surrogate in \\u escape");
          pos_ += 2;
          unsigned low = parseHex4();
          if (low < 0xDC00 || low > 0xDFFF)
            fail("invalid low surrogate in \\u escape");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        --pos_;
        fail("invalid escape '\\" + std::string(1, e) + "'");
      }
    }
  }

  std::string_view text_;
  std::string_view context_;
  size_t pos_ = 0;
};

} // namespace

JsonValue parseJson(std::string_view text, std::string_view context) {
  return Parser(text, context).parseDocument();
}

std::string jsonQuote(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += ch;
      }
    }
  }
  out += '"';
  return out;
}

} // namespace dsc::io
