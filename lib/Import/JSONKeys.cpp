//===- JSONKeys.cpp - typed keys of user JSON files -----------------------===//

#include "dsc/Import/JSONKeys.h"
#include "dsc/Support/JSON.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cmath>

using namespace llvm;
using namespace dsc;

/// Line of the first `"key"` in `text`, for each key of `object`.
static KeyLines locateKeys(StringRef text, const json::Object &object) {
  KeyLines lines;
  for (const auto &entry : object) {
    std::string quoted = "\"" + entry.first.str() + "\"";
    size_t at = text.find(quoted);
    if (at != StringRef::npos)
      lines[entry.first.str()] = text.take_front(at).count('\n') + 1;
  }
  return lines;
}

Expected<JSONFile> dsc::parseJSONFile(StringRef text, StringRef fileName,
                                      StringRef what) {
  Expected<json::Value> root = parseJSON(text, fileName);
  if (!root)
    return root.takeError();
  const json::Object *object = root->getAsObject();
  if (!object)
    return createStringError(inconvertibleErrorCode(),
                             "%s: expected a JSON object (%s) at the top level",
                             fileName.str().c_str(), what.str().c_str());
  JSONFile file;
  file.fileName = fileName.str();
  file.keyLines = locateKeys(text, *object);
  file.root = std::move(*root);
  return file;
}

Expected<JSONFile> dsc::readJSONFile(StringRef path, StringRef what) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buffer =
      MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return createStringError(buffer.getError(), "%s: cannot read: %s",
                             path.str().c_str(),
                             buffer.getError().message().c_str());
  return parseJSONFile((*buffer)->getBuffer(), path, what);
}

const json::Value *JSONKeyReader::find(StringRef key) const {
  const json::Value *value = object.get(key);
  return value && value->kind() != json::Value::Null ? value : nullptr;
}

static std::string describe(const json::Value &value) {
  std::string text;
  raw_string_ostream os(text);
  os << value;
  switch (value.kind()) {
  case json::Value::String:
    return "the string " + text;
  case json::Value::Object:
    return "an object";
  case json::Value::Array:
    return "an array";
  default:
    return text;
  }
}

void JSONKeyReader::fail(StringRef key, const Twine &expected,
                         const json::Value *got) {
  if (!error.empty())
    return;
  std::string place = file.fileName;
  auto line = file.keyLines.find(key);
  if (prefix.empty() && line != file.keyLines.end())
    place += ":" + std::to_string(line->second);
  error = (place + ": key '" + prefix + key + "': expected " + expected +
           (got ? ", got " + describe(*got) : std::string()))
              .str();
}

void JSONKeyReader::fail(StringRef key, const Twine &expected) {
  fail(key, expected, find(key));
}

int64_t JSONKeyReader::integer(StringRef key, std::optional<int64_t> fallback,
                               int64_t minimum, int64_t maximum) {
  const json::Value *value = find(key);
  std::string expected = "an integer from " + std::to_string(minimum) + " to " +
                         std::to_string(maximum);
  if (!value) {
    if (fallback)
      return *fallback;
    fail(key, expected + " (the key is required)", nullptr);
    return minimum;
  }
  std::optional<int64_t> result = value->getAsInteger();
  if (result && *result >= minimum && *result <= maximum)
    return *result;
  fail(key, expected, value);
  return minimum;
}

double JSONKeyReader::number(StringRef key, std::optional<double> fallback) {
  const json::Value *value = find(key);
  if (!value) {
    if (fallback)
      return *fallback;
    fail(key, "a number (the key is required)", nullptr);
    return 0;
  }
  if (std::optional<double> result = value->getAsNumber())
    if (std::isfinite(*result))
      return *result;
  fail(key, "a finite number", value);
  return 0;
}

double JSONKeyReader::positive(StringRef key, std::optional<double> fallback) {
  double result = number(key, fallback);
  if (error.empty() && !(result > 0))
    fail(key, "a positive number", find(key));
  return result;
}

bool JSONKeyReader::boolean(StringRef key, bool fallback) {
  const json::Value *value = find(key);
  if (!value)
    return fallback;
  if (std::optional<bool> result = value->getAsBoolean())
    return *result;
  fail(key, "true or false", value);
  return fallback;
}

std::string JSONKeyReader::string(StringRef key,
                                  std::optional<StringRef> fallback,
                                  ArrayRef<StringRef> allowed) {
  const json::Value *value = find(key);
  if (!value) {
    if (fallback)
      return fallback->str();
    fail(key, "a string (the key is required)", nullptr);
    return "";
  }
  std::optional<StringRef> result = value->getAsString();
  if (!result) {
    fail(key, "a string", value);
    return "";
  }
  if (!allowed.empty() && !is_contained(allowed, *result)) {
    fail(key, "one of \"" + join(allowed, "\", \"") + "\"", value);
    return "";
  }
  return result->str();
}

const json::Object *JSONKeyReader::nestedObject(StringRef key) {
  const json::Value *value = find(key);
  if (!value)
    return nullptr;
  if (const json::Object *result = value->getAsObject())
    return result;
  fail(key, "an object or null", value);
  return nullptr;
}
