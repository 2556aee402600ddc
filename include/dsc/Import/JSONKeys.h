//===- JSONKeys.h - typed keys of user JSON files ---------------*- C++ -*-===//
//
// Reads the keys of a user's JSON file (a model config, a cluster file) with
// their types and ranges checked, keeping the first error as a message that
// names the file, the key's line, the key and what was expected.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IMPORT_JSONKEYS_H
#define DSC_IMPORT_JSONKEYS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace dsc {

/// The line (1-based) of each top-level key of a JSON file.
using KeyLines = std::map<std::string, unsigned, std::less<>>;

/// A parsed JSON file whose top level must be an object.
struct JSONFile {
  std::string fileName;
  llvm::json::Value root = nullptr;
  KeyLines keyLines;

  const llvm::json::Object &object() const { return *root.getAsObject(); }
};

/// Parses `text`; `what` names the expected content in the error
/// ("a HuggingFace config.json").
llvm::Expected<JSONFile> parseJSONFile(llvm::StringRef text,
                                       llvm::StringRef fileName,
                                       llvm::StringRef what);

/// Reads and parses the file at `path`.
llvm::Expected<JSONFile> readJSONFile(llvm::StringRef path,
                                      llvm::StringRef what);

/// Reads typed keys of one JSON object, keeping the first error. `null`
/// counts as absent, as in HuggingFace configs.
class JSONKeyReader {
public:
  /// `prefix` names nested objects in messages ("rope_scaling.").
  JSONKeyReader(const llvm::json::Object &object, llvm::StringRef prefix,
                const JSONFile &file, std::string &error)
      : object(object), prefix(prefix), file(file), error(error) {}

  /// A required integer (no fallback) or an optional one, in
  /// [minimum, maximum]. Sizes become tensor dimensions, so they are bounded
  /// here rather than left to overflow.
  int64_t integer(llvm::StringRef key, std::optional<int64_t> fallback = {},
                  int64_t minimum = 1, int64_t maximum = int64_t(1) << 24);
  /// A finite number.
  double number(llvm::StringRef key, std::optional<double> fallback = {});
  /// A finite number greater than zero.
  double positive(llvm::StringRef key, std::optional<double> fallback = {});
  bool boolean(llvm::StringRef key, bool fallback);
  /// A string that must be one of `allowed` (when given).
  std::string string(llvm::StringRef key,
                     std::optional<llvm::StringRef> fallback,
                     llvm::ArrayRef<llvm::StringRef> allowed = {});
  /// A nested object, or null when absent.
  const llvm::json::Object *nestedObject(llvm::StringRef key);
  /// Whether the key is present and not null.
  bool has(llvm::StringRef key) const { return find(key); }

  /// Records an error about `key` (the first error wins).
  void fail(llvm::StringRef key, const llvm::Twine &expected);

private:
  const llvm::json::Value *find(llvm::StringRef key) const;
  void fail(llvm::StringRef key, const llvm::Twine &expected,
            const llvm::json::Value *got);

  const llvm::json::Object &object;
  std::string prefix;
  const JSONFile &file;
  std::string &error;
};

} // namespace dsc

#endif // DSC_IMPORT_JSONKEYS_H
