//===- AtomicFile.h - write a file so it appears whole or not at all -*- C++
//-*-===//
//
// Writers never leave a half-written file under the final name: bytes go
// to a temporary file in the same directory (so the rename cannot cross
// file systems), which is flushed to disk (fsync) and then renamed over the
// target; the directory is synced too, so the rename survives a power
// loss. If the writer is destroyed without commit() the temporary file is
// removed and the target is untouched.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_ATOMICFILE_H
#define DSC_IO_ATOMICFILE_H

#include <cstddef>
#include <string>

namespace dsc::io {

class AtomicFileWriter {
public:
  /// Creates the temporary file beside `path`. Throws dsc::io::Error.
  explicit AtomicFileWriter(std::string path);
  AtomicFileWriter(const AtomicFileWriter &) = delete;
  AtomicFileWriter &operator=(const AtomicFileWriter &) = delete;
  /// Without commit(): removes the temporary file.
  ~AtomicFileWriter();

  void write(const void *data, size_t size);
  /// fsync, rename onto the target, fsync the directory.
  void commit();
  /// Removes the temporary file now (idempotent).
  void abort() noexcept;

  const std::string &path() const { return path_; }
  const std::string &tempPath() const { return tempPath_; }

private:
  std::string path_;
  std::string tempPath_;
  int fd_ = -1;
  bool committed_ = false;
};

/// Writes `text` to `path` whole or not at all (an AtomicFileWriter).
/// Throws dsc::io::Error.
void writeFileAtomically(const std::string &path, const std::string &text);

/// fsyncs the directory `dir` so entries renamed into it are durable.
void syncDirectory(const std::string &dir);

/// The directory part of `path` ("." when it has none).
std::string parentDirectory(const std::string &path);

} // namespace dsc::io

#endif // DSC_IO_ATOMICFILE_H
