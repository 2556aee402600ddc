//===- FuzzInput.h - fuzz inputs for readers that take a path ---*- C++ -*-===//
//
// Some readers (safetensors, token files, cluster files) open a path, as the
// tools do, so their targets write each input to one scratch file per
// process and read it back: the fuzzed code is the code the tools run,
// mapping and all.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_FUZZ_FUZZINPUT_H
#define DSC_TEST_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

namespace dsc::fuzz {

class ScratchFile {
public:
  /// `suffix` ends the name (".json"): some readers go by the extension.
  explicit ScratchFile(const char *suffix) {
    // Memory-backed /dev/shm when there is one: a write per input.
    const char *dir = std::getenv("TMPDIR");
    if (!dir || !*dir)
      dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    path_ =
        std::string(dir) + "/dsc-fuzz-" + std::to_string(::getpid()) + suffix;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile &) = delete;
  ScratchFile &operator=(const ScratchFile &) = delete;

  /// Replaces the file's contents with `data`; the path to read.
  const std::string &write(const uint8_t *data, size_t size) {
    std::FILE *file = std::fopen(path_.c_str(), "wb");
    if (!file || (size && std::fwrite(data, 1, size, file) != size) ||
        std::fclose(file) != 0) {
      std::perror(path_.c_str());
      std::abort();
    }
    return path_;
  }

private:
  std::string path_;
};

} // namespace dsc::fuzz

#endif // DSC_TEST_FUZZ_FUZZINPUT_H
