//===- JSON.cpp - the one entry point for the JSON files dsc reads --------===//

#include "dsc/Support/JSON.h"

using namespace llvm;

std::optional<dsc::JSONDepthExcess>
dsc::findJSONDepthExcess(StringRef text, unsigned limit) {
  unsigned depth = 0, line = 1, column = 0;
  bool inString = false, escaped = false;
  for (char c : text) {
    ++column;
    if (c == '\n') {
      ++line;
      column = 0;
    }
    if (inString) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        inString = false;
      continue;
    }
    switch (c) {
    case '"':
      inString = true;
      break;
    case '[':
    case '{':
      if (++depth > limit)
        return JSONDepthExcess{line, column};
      break;
    case ']':
    case '}':
      // Unbalanced closers are the parser's to report.
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

Expected<json::Value> dsc::parseJSON(StringRef text, StringRef fileName) {
  if (std::optional<JSONDepthExcess> excess =
          findJSONDepthExcess(text, kMaxJSONDepth))
    return createStringError(
        inconvertibleErrorCode(),
        "%s:%u:%u: JSON nested deeper than %u levels of arrays and objects; "
        "no dsc file nests like this: is it the right file?",
        fileName.str().c_str(), excess->line, excess->column, kMaxJSONDepth);
  Expected<json::Value> root = json::parse(text);
  if (!root)
    return createStringError(inconvertibleErrorCode(), "%s: not valid JSON: %s",
                             fileName.str().c_str(),
                             toString(root.takeError()).c_str());
  return root;
}
