//===- MappedFile.h - a read-only memory-mapped file ------------*- C++ -*-===//
//
// Readers map whole files (POSIX mmap) instead of reading them: a
// checkpoint can be larger than memory, and tensors are used in place.
// Only regular files are accepted. The mapping is private and read-only;
// a file truncated by another process while mapped can still fault
// (SIGBUS), which no reader can prevent, so writers replace files by
// rename instead of rewriting them.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_MAPPEDFILE_H
#define DSC_IO_MAPPEDFILE_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace dsc::io {

class MappedFile {
public:
  MappedFile() = default;
  /// Throws dsc::io::Error naming `path` and the system error.
  static MappedFile open(const std::string &path);

  MappedFile(MappedFile &&other) noexcept;
  MappedFile &operator=(MappedFile &&other) noexcept;
  MappedFile(const MappedFile &) = delete;
  MappedFile &operator=(const MappedFile &) = delete;
  ~MappedFile();

  const std::string &path() const { return path_; }
  /// Null for an empty file.
  const uint8_t *data() const { return data_; }
  size_t size() const { return size_; }

private:
  void reset();

  std::string path_;
  const uint8_t *data_ = nullptr;
  size_t size_ = 0;
};

} // namespace dsc::io

#endif // DSC_IO_MAPPEDFILE_H
