//===- TokenFile.h - flat files of token ids --------------------*- C++ -*-===//
//
// The training data format (spec in runtime/io/README.md): a 16-byte
// header - magic "DSCTOKv1", uint32 LE element width in bytes (2 or 4),
// uint32 LE vocabulary size - then the token ids as little-endian unsigned
// integers of that width, nothing else. The reader maps the file and
// validates the header, the tail (a whole number of ids) and every id
// (< vocabulary size) before handing out any.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_TOKENFILE_H
#define DSC_IO_TOKENFILE_H

#include "dsc/io/MappedFile.h"
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dsc::io {

inline constexpr char kTokenFileMagic[8] = {'D', 'S', 'C', 'T',
                                            'O', 'K', 'v', '1'};
inline constexpr size_t kTokenFileHeaderSize = 16;

/// 2 when every id of `vocabSize` fits in uint16, else 4.
uint32_t tokenWidthFor(uint32_t vocabSize);

class TokenFile {
public:
  /// Maps and validates `path`. Throws dsc::io::Error.
  static TokenFile open(const std::string &path);

  const std::string &path() const { return file_.path(); }
  uint32_t width() const { return width_; }
  uint32_t vocabSize() const { return vocabSize_; }
  size_t size() const { return count_; }
  /// Precondition: index < size().
  uint32_t operator[](size_t index) const;
  /// Ids [begin, begin + count) into `out`; throws when out of range.
  void read(size_t begin, size_t count, uint32_t *out) const;
  std::vector<uint32_t> readAll() const;

private:
  MappedFile file_;
  uint32_t width_ = 0;
  uint32_t vocabSize_ = 0;
  size_t count_ = 0;
};

/// Writes ids to `path` atomically, `width` bytes each (0: tokenWidthFor).
/// Throws dsc::io::Error (id >= vocabSize, width too small, I/O); nothing
/// is written then.
void writeTokenFile(const std::string &path, const std::vector<uint32_t> &ids,
                    uint32_t vocabSize, uint32_t width = 0);

} // namespace dsc::io

#endif // DSC_IO_TOKENFILE_H
