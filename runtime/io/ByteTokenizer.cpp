//===- ByteTokenizer.cpp - the byte-level tokenizer -----------------------===//

#include "dsc/io/ByteTokenizer.h"
#include "dsc/io/Error.h"

namespace dsc::io {

void appendEncodedBytes(std::string_view text, std::vector<uint32_t> &ids) {
  ids.reserve(ids.size() + text.size() + 1);
  for (char c : text)
    ids.push_back(static_cast<unsigned char>(c));
  ids.push_back(kEndOfDocument);
}

std::vector<uint32_t> encodeBytes(std::string_view text) {
  std::vector<uint32_t> ids;
  appendEncodedBytes(text, ids);
  return ids;
}

std::string decodeBytes(const uint32_t *ids, size_t count) {
  std::string text;
  text.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    uint32_t id = ids[i];
    if (id < 256)
      text.push_back(static_cast<char>(static_cast<unsigned char>(id)));
    else if (!specialTokenName(id))
      throw Error("token " + std::to_string(i) + " is id " +
                  std::to_string(id) +
                  ", neither a byte (0-255) nor a special token (256-258)");
  }
  return text;
}

const char *specialTokenName(uint32_t id) {
  switch (id) {
  case kEndOfDocument:
    return "<eod>";
  case kBeginOfDocument:
    return "<bod>";
  case kPadding:
    return "<pad>";
  default:
    return nullptr;
  }
}

} // namespace dsc::io
