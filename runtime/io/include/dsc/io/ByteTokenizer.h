//===- ByteTokenizer.h - the byte-level tokenizer ---------------*- C++ -*-===//
//
// The simplest tokenizer that round-trips any text exactly: ids 0-255 are
// the bytes themselves; 256-258 are special tokens; a model's vocabulary
// may be larger (rounded up for efficient shapes), the ids above the
// specials unused. Encoding a document appends end-of-document, so
// documents concatenated in one token file stay separated; decoding drops
// the specials and returns the bytes.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_BYTETOKENIZER_H
#define DSC_IO_BYTETOKENIZER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dsc::io {

inline constexpr uint32_t kEndOfDocument = 256;
inline constexpr uint32_t kBeginOfDocument = 257;
inline constexpr uint32_t kPadding = 258;
/// The smallest vocabulary holding every byte and special id.
inline constexpr uint32_t kByteTokenizerMinVocab = 259;

/// The bytes of `text`, then kEndOfDocument.
std::vector<uint32_t> encodeBytes(std::string_view text);
/// Appends the encoding of `text` to `ids`.
void appendEncodedBytes(std::string_view text, std::vector<uint32_t> &ids);

/// The bytes of `ids`, specials dropped. Throws dsc::io::Error naming the
/// position of an id that is neither a byte nor a special token.
std::string decodeBytes(const uint32_t *ids, size_t count);
inline std::string decodeBytes(const std::vector<uint32_t> &ids) {
  return decodeBytes(ids.data(), ids.size());
}

/// "<eod>", "<bod>", "<pad>", or null for other ids.
const char *specialTokenName(uint32_t id);

} // namespace dsc::io

#endif // DSC_IO_BYTETOKENIZER_H
