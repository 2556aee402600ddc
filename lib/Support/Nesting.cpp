//===- Nesting.cpp - how deep a text's brackets nest ----------------------===//

#include "dsc/Support/Nesting.h"

using namespace llvm;

std::optional<dsc::NestingExcess>
dsc::findNestingExcess(StringRef text, unsigned limit, NestingSyntax syntax) {
  bool mlir = syntax == NestingSyntax::MLIR;
  unsigned depth = 0, line = 1, column = 0;
  bool inString = false, escaped = false, inComment = false;
  char previous = 0;
  for (char c : text) {
    ++column;
    char before = previous;
    previous = c;
    if (c == '\n') {
      ++line;
      column = 0;
      inComment = false;
      continue;
    }
    if (inComment)
      continue;
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
    case '/':
      if (mlir && before == '/')
        inComment = true;
      break;
    case '(':
    case '<':
      if (!mlir)
        break;
      [[fallthrough]];
    case '[':
    case '{':
      if (++depth > limit)
        return NestingExcess{line, column};
      break;
    case ')':
    case '>':
      if (!mlir || (c == '>' && before == '-'))
        break;
      [[fallthrough]];
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

std::optional<dsc::MLIRNestingExcess>
dsc::findMLIRNestingExcess(StringRef text) {
  std::optional<NestingExcess> excess =
      findNestingExcess(text, kMaxMLIRNesting, NestingSyntax::MLIR);
  if (!excess)
    return std::nullopt;
  MLIRNestingExcess result;
  static_cast<NestingExcess &>(result) = *excess;
  result.message = "nested deeper than " + std::to_string(kMaxMLIRNesting) +
                   " levels of brackets; no dsc IR nests like this: is it "
                   "the right file?";
  return result;
}
