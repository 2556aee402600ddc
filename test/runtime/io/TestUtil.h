//===- TestUtil.h - helpers for the dsc_io tests ----------------*- C++ -*-===//

#ifndef DSC_TEST_RUNTIME_IO_TESTUTIL_H
#define DSC_TEST_RUNTIME_IO_TESTUTIL_H

#include "dsc/io/Error.h"
#include "gtest/gtest.h"
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

namespace dsc::io::test {

/// A fresh directory, removed with its contents at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "dsc-io-test-XXXXXX")
            .string();
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
      throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string &path() const { return path_; }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  /// Entries of the directory, sorted.
  std::vector<std::string> entries() const { return entriesOf(path_); }
  static std::vector<std::string> entriesOf(const std::string &dir) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

private:
  std::string path_;
};

inline void writeFile(const std::string &path, const std::string &bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline bool fileExists(const std::string &path) {
  return std::filesystem::exists(path);
}

/// The message of the dsc::io::Error `fn` throws; fails the test when it
/// throws nothing or something else.
template <typename Fn> std::string errorOf(Fn &&fn) {
  try {
    fn();
  } catch (const Error &e) {
    return e.what();
  } catch (const std::exception &e) {
    ADD_FAILURE() << "threw a non-dsc::io::Error: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected a dsc::io::Error, nothing was thrown";
  return {};
}

/// Expects `message` to contain every one of `parts`.
inline void expectContains(const std::string &message,
                           std::initializer_list<std::string> parts) {
  for (const std::string &part : parts)
    EXPECT_NE(message.find(part), std::string::npos)
        << "message: " << message << "\nmissing: " << part;
}

inline std::string sourcePath(const std::string &relative) {
  return std::string(DSC_SOURCE_DIR) + "/" + relative;
}

} // namespace dsc::io::test

#endif // DSC_TEST_RUNTIME_IO_TESTUTIL_H
