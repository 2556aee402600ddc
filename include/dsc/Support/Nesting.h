//===- Nesting.h - how deep a text's brackets nest --------------*- C++ -*-===//
//
// Recursive-descent parsers (llvm::json::parse, MLIR's) recurse once per
// bracket level; a file nested 100,000 deep overflows the stack. The readers
// measure the nesting first with this linear scan and refuse a file deeper
// than they can parse safely.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SUPPORT_NESTING_H
#define DSC_SUPPORT_NESTING_H

#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace dsc {

/// What opens and closes a level, and what is skipped, in a syntax.
enum class NestingSyntax {
  /// [ ] { }; "strings" with \ escapes.
  JSON,
  /// As JSON, plus ( ) and < > (not the > of ->), and // comments.
  MLIR,
};

/// Where the nesting first exceeds `limit` (1-based line and column).
struct NestingExcess {
  unsigned line = 0, column = 0;
};
std::optional<NestingExcess>
findNestingExcess(llvm::StringRef text, unsigned limit, NestingSyntax syntax);

/// Deepest bracket nesting a `.mlir` input may have: MLIR's parser recurses
/// per level and overflows the stack on deep enough text; dsc's IR nests
/// about ten levels.
inline constexpr unsigned kMaxMLIRNesting = 256;

/// Where `.mlir` text nests deeper than kMaxMLIRNesting, and the message
/// every reader reports there ("nested deeper than 256 levels ...").
struct MLIRNestingExcess : NestingExcess {
  std::string message;
};
std::optional<MLIRNestingExcess> findMLIRNestingExcess(llvm::StringRef text);

} // namespace dsc

#endif // DSC_SUPPORT_NESTING_H
