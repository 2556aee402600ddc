//===- TokenFile.cpp - flat files of token ids ----------------------------===//

#include "dsc/io/TokenFile.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Error.h"
#include <algorithm>
#include <cstring>

namespace dsc::io {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "token files are little-endian; dsc_io assumes such a host");

namespace {
uint32_t load32(const uint8_t *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

uint32_t loadId(const uint8_t *p, uint32_t width) {
  if (width == 2) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
  }
  return load32(p);
}
} // namespace

uint32_t tokenWidthFor(uint32_t vocabSize) {
  return vocabSize <= 65536 ? 2 : 4;
}

TokenFile TokenFile::open(const std::string &path) {
  TokenFile result;
  result.file_ = MappedFile::open(path);
  const uint8_t *bytes = result.file_.data();
  size_t size = result.file_.size();
  if (size < kTokenFileHeaderSize)
    throw Error(path + ": " + std::to_string(size) +
                "-byte file is shorter than the 16-byte token file header "
                "(not a token file, or truncated)");
  if (std::memcmp(bytes, kTokenFileMagic, sizeof kTokenFileMagic) != 0)
    throw Error(path + ": bad magic (expected \"DSCTOKv1\"): not a dsc "
                       "token file");
  result.width_ = load32(bytes + 8);
  result.vocabSize_ = load32(bytes + 12);
  if (result.width_ != 2 && result.width_ != 4)
    throw Error(path + ": element width " + std::to_string(result.width_) +
                " is not 2 or 4 bytes");
  if (result.vocabSize_ == 0)
    throw Error(path + ": vocabulary size is 0");
  if (result.width_ == 2 && result.vocabSize_ > 65536)
    throw Error(path + ": vocabulary size " +
                std::to_string(result.vocabSize_) +
                " does not fit 2-byte ids (at most 65536)");
  size_t payload = size - kTokenFileHeaderSize;
  if (payload % result.width_ != 0)
    throw Error(path +
                ": truncated: " + std::to_string(payload % result.width_) +
                " trailing byte(s) after the last whole " +
                std::to_string(result.width_) + "-byte id");
  result.count_ = payload / result.width_;
  // Every id is checked once here so consumers (embedding lookups) can
  // index with them without checks of their own.
  const uint8_t *ids = bytes + kTokenFileHeaderSize;
  for (size_t i = 0; i < result.count_; ++i) {
    uint32_t id = loadId(ids + i * result.width_, result.width_);
    if (id >= result.vocabSize_)
      throw Error(path + ": token " + std::to_string(i) + " is id " +
                  std::to_string(id) + ", outside the vocabulary of " +
                  std::to_string(result.vocabSize_));
  }
  return result;
}

uint32_t TokenFile::operator[](size_t index) const {
  return loadId(file_.data() + kTokenFileHeaderSize + index * width_, width_);
}

void TokenFile::read(size_t begin, size_t count, uint32_t *out) const {
  if (begin > count_ || count > count_ - begin)
    throw Error(path() + ": cannot read tokens [" + std::to_string(begin) +
                ", " + std::to_string(begin) + " + " + std::to_string(count) +
                "): the file has " + std::to_string(count_));
  const uint8_t *p = file_.data() + kTokenFileHeaderSize + begin * width_;
  for (size_t i = 0; i < count; ++i)
    out[i] = loadId(p + i * width_, width_);
}

std::vector<uint32_t> TokenFile::readAll() const {
  std::vector<uint32_t> ids(count_);
  read(0, count_, ids.data());
  return ids;
}

void writeTokenFile(const std::string &path, const std::vector<uint32_t> &ids,
                    uint32_t vocabSize, uint32_t width) {
  if (vocabSize == 0)
    throw Error(path + ": vocabulary size is 0");
  if (width == 0)
    width = tokenWidthFor(vocabSize);
  if (width != 2 && width != 4)
    throw Error(path + ": element width " + std::to_string(width) +
                " is not 2 or 4 bytes");
  if (width == 2 && vocabSize > 65536)
    throw Error(path + ": vocabulary size " + std::to_string(vocabSize) +
                " does not fit 2-byte ids");
  for (size_t i = 0; i < ids.size(); ++i)
    if (ids[i] >= vocabSize)
      throw Error(path + ": token " + std::to_string(i) + " is id " +
                  std::to_string(ids[i]) + ", outside the vocabulary of " +
                  std::to_string(vocabSize));

  uint8_t header[kTokenFileHeaderSize];
  std::memcpy(header, kTokenFileMagic, 8);
  std::memcpy(header + 8, &width, 4);
  std::memcpy(header + 12, &vocabSize, 4);

  AtomicFileWriter out(path);
  out.write(header, sizeof header);
  // Written in chunks so a large corpus needs no second full-size buffer.
  std::vector<uint8_t> chunk;
  constexpr size_t kChunkIds = 1 << 16;
  for (size_t begin = 0; begin < ids.size(); begin += kChunkIds) {
    size_t n = std::min(kChunkIds, ids.size() - begin);
    chunk.resize(n * width);
    for (size_t i = 0; i < n; ++i) {
      if (width == 2) {
        uint16_t v = static_cast<uint16_t>(ids[begin + i]);
        std::memcpy(chunk.data() + 2 * i, &v, 2);
      } else {
        std::memcpy(chunk.data() + 4 * i, &ids[begin + i], 4);
      }
    }
    out.write(chunk.data(), chunk.size());
  }
  out.commit();
}

} // namespace dsc::io
