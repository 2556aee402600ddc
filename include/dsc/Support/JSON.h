//===- JSON.h - the one entry point for the JSON files dsc reads -*- C++
//-*-===//
//
// Every JSON document the compiler reads (model configs, cluster files,
// expert loads, placements) is parsed here. llvm::json::parse recurses once
// per nesting level and so does json::Value's destructor: a file nested
// 100,000 deep overflows the stack. parseJSON measures the nesting with a
// cheap scan first (dsc/Support/Nesting.h) and refuses files deeper than
// kMaxJSONDepth before any value is built.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SUPPORT_JSON_H
#define DSC_SUPPORT_JSON_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

namespace dsc {

/// Deepest nesting of arrays and objects parseJSON accepts. dsc's files nest
/// a few levels; 256 leaves room for anything real and keeps the recursion
/// far from the stack's end.
inline constexpr unsigned kMaxJSONDepth = 256;

/// Parses `text`, read from `fileName`. Errors start with `fileName`: "FILE:
/// not valid JSON: ..." or "FILE:LINE:COL: JSON nested deeper than 256
/// levels ...".
llvm::Expected<llvm::json::Value> parseJSON(llvm::StringRef text,
                                            llvm::StringRef fileName);

} // namespace dsc

#endif // DSC_SUPPORT_JSON_H
