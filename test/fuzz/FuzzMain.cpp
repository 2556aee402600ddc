//===- FuzzMain.cpp - runs a fuzz target over files, without libFuzzer ----===//
//
// In the normal build each fuzz target's LLVMFuzzerTestOneInput links with
// this driver instead of libFuzzer, so its seed corpus and every input that
// ever crashed it run as an ordinary test: `dsc-fuzz-X FILE|DIR...` feeds
// each file (directories: their regular files, recursively, in name order)
// to the target once. A crash, sanitizer report or hang fails the test; the
// driver prints each file before running it, so the culprit is named.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int *argc,
                                                          char ***argv);

namespace fs = std::filesystem;

static bool collect(const fs::path &path, std::vector<fs::path> &files) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> found;
    for (const fs::directory_entry &entry :
         fs::recursive_directory_iterator(path, error))
      if (entry.is_regular_file(error))
        found.push_back(entry.path());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
    return !error;
  }
  if (fs::is_regular_file(path, error)) {
    files.push_back(path);
    return true;
  }
  std::fprintf(stderr, "error: %s: no such file or directory\n", path.c_str());
  return false;
}

int main(int argc, char **argv) {
  if (LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i)
    if (!collect(argv[i], files))
      return 2;
  for (const fs::path &file : files) {
    std::printf("running %s\n", file.c_str());
    std::fflush(stdout);
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
      std::fprintf(stderr, "error: %s: cannot read\n", file.c_str());
      return 2;
    }
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::printf("%zu inputs, no crash\n", files.size());
  return 0;
}
