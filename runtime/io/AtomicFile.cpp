//===- AtomicFile.cpp - write a file so it appears whole or not at all ----===//

#include "dsc/io/AtomicFile.h"
#include "dsc/io/Error.h"
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dsc::io {

namespace {
std::optional<mode_t> currentUmask() {
  std::FILE *status = std::fopen("/proc/self/status", "r");
  if (!status)
    return std::nullopt;
  char line[256];
  std::optional<mode_t> mask;
  while (std::fgets(line, sizeof line, status)) {
    unsigned value;
    if (std::sscanf(line, "Umask: %o", &value) == 1) {
      mask = static_cast<mode_t>(value);
      break;
    }
  }
  std::fclose(status);
  return mask;
}
} // namespace

std::string parentDirectory(const std::string &path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

void syncDirectory(const std::string &dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw Error(
        dir + ": cannot open directory to sync: " + systemErrorText(errno),
        systemErrorCode(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot sync directories (EINVAL); the rename is then
  // as durable as that file system makes it, which is all we can do.
  if (rc != 0 && err != EINVAL)
    throw Error(dir + ": cannot sync directory: " + systemErrorText(err),
                systemErrorCode(err));
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/')
    throw Error("'" + path_ + "': not a file path");
  size_t slash = path_.find_last_of('/');
  std::string base =
      slash == std::string::npos ? path_ : path_.substr(slash + 1);
  // A hidden name beside the target: the same directory keeps the rename
  // within one file system, and the prefix keeps globs from picking it up.
  std::string pattern = parentDirectory(path_) + "/." + base + ".tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  fd_ = ::mkostemp(buf.data(), O_CLOEXEC);
  if (fd_ < 0)
    throw Error(path_ + ": cannot create a temporary file in " +
                    parentDirectory(path_) + ": " + systemErrorText(errno),
                systemErrorCode(errno));
  tempPath_.assign(buf.data());
  // mkstemp creates 0600; give the result the permissions a new file would
  // normally get. The umask is read from /proc rather than set and
  // restored with umask(), which would race with other threads creating
  // files; without /proc the file stays 0600, the safe side.
  if (auto mask = currentUmask())
    ::fchmod(fd_, 0666 & ~*mask);
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_)
    abort();
}

void AtomicFileWriter::write(const void *data, size_t size) {
  if (fd_ < 0)
    throw Error(path_ + ": write after the file was closed");
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw Error(path_ + ": cannot write: " + systemErrorText(errno),
                  systemErrorCode(errno));
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void AtomicFileWriter::commit() {
  if (fd_ < 0)
    throw Error(path_ + ": commit after the file was closed");
  // Data must be on disk before the rename makes it visible, or a crash
  // could leave the new name pointing at incomplete contents.
  if (::fsync(fd_) != 0)
    throw Error(path_ + ": cannot sync: " + systemErrorText(errno),
                systemErrorCode(errno));
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0)
    throw Error(path_ + ": cannot close: " + systemErrorText(errno),
                systemErrorCode(errno));
  if (::rename(tempPath_.c_str(), path_.c_str()) != 0)
    throw Error(path_ + ": cannot rename the temporary file into place: " +
                    systemErrorText(errno),
                systemErrorCode(errno));
  committed_ = true;
  syncDirectory(parentDirectory(path_));
}

void AtomicFileWriter::abort() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!committed_ && !tempPath_.empty()) {
    ::unlink(tempPath_.c_str());
    tempPath_.clear();
  }
}

void writeFileAtomically(const std::string &path, const std::string &text) {
  AtomicFileWriter writer(path);
  writer.write(text.data(), text.size());
  writer.commit();
}

} // namespace dsc::io
