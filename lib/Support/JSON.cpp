//===- JSON.cpp - the one entry point for the JSON files dsc reads --------===//

#include "dsc/Support/JSON.h"
#include "dsc/Support/Nesting.h"

using namespace llvm;

Expected<json::Value> dsc::parseJSON(StringRef text, StringRef fileName) {
  if (std::optional<NestingExcess> excess =
          findNestingExcess(text, kMaxJSONDepth, NestingSyntax::JSON))
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
