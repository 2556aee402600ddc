//===- Json.h - a strict JSON parser for file headers -----------*- C++ -*-===//
//
// Enough JSON (RFC 8259) for safetensors headers and small metadata, with
// no external dependency. Strict because the input is untrusted: no
// trailing commas, comments, leading zeros, control characters or invalid
// UTF-8 in strings, duplicate object keys or text after the value; nesting
// is limited so hostile input cannot exhaust the stack. Numbers keep their
// text, so 64-bit integers (tensor offsets) are read exactly.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_JSON_H
#define DSC_IO_JSON_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dsc::io {

class JsonValue {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  JsonValue() = default;
  static JsonValue makeBool(bool value);
  /// `text` must be a valid JSON number (the parser guarantees it).
  static JsonValue makeNumber(std::string text);
  static JsonValue makeString(std::string value);
  static JsonValue makeArray(std::vector<JsonValue> elements);
  static JsonValue
  makeObject(std::vector<std::pair<std::string, JsonValue>> members);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isNumber() const { return kind_ == Kind::Number; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }

  /// Preconditions: the matching kind (callers check the kind first).
  bool boolValue() const { return bool_; }
  const std::string &numberText() const { return text_; }
  const std::string &stringValue() const { return text_; }
  const std::vector<JsonValue> &elements() const { return elements_; }
  /// In file order; keys are unique.
  const std::vector<std::pair<std::string, JsonValue>> &members() const {
    return members_;
  }

  /// The member named `key` of an object, or null when absent.
  const JsonValue *find(std::string_view key) const;
  /// A number that is a non-negative integer without fraction or exponent
  /// and fits in 64 bits; nullopt otherwise.
  std::optional<uint64_t> asUInt64() const;

private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  std::string text_; // number text or string value
  std::vector<JsonValue> elements_;
  std::vector<std::pair<std::string, JsonValue>> members_;
};

/// Deepest array/object nesting parseJson accepts.
inline constexpr int kMaxJsonDepth = 64;

/// Parses `text` as one JSON value (surrounding whitespace allowed). Throws
/// dsc::io::Error "<context>: JSON error at byte N: <what>".
JsonValue parseJson(std::string_view text, std::string_view context);

/// `value` as a JSON string literal, quotes included. Bytes >= 0x80 are
/// copied (the caller passes UTF-8); control characters are escaped.
std::string jsonQuote(std::string_view value);

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or
/// code points above U+10FFFF), which parseJson requires of strings.
bool isValidUtf8(std::string_view text);

/// One JSON kind name for messages ("string", "object", ...).
const char *jsonKindName(JsonValue::Kind kind);
/// The kind with its article, for "... is an array" ("an array", "a
/// string", "null").
std::string jsonKindPhrase(JsonValue::Kind kind);

} // namespace dsc::io

#endif // DSC_IO_JSON_H
