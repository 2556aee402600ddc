//===- Checksum.cpp - CRC-32C ---------------------------------------------===//
//
// Software CRC-32C, slicing by 8 (eight 256-entry tables, one 8-byte step
// per iteration): about 1-2 GB/s, so checksumming a plan costs nothing next
// to reading it, and no dependency or CPU feature is needed.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/PlanFile.h"

#include <array>
#include <cstring>

namespace dsc::plan {
namespace {

using Tables = std::array<std::array<uint32_t, 256>, 8>;

Tables makeTables() {
  constexpr uint32_t kPoly = 0x82F63B78u; // reflected Castagnoli polynomial
  Tables t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1) ? (c >> 1) ^ kPoly : c >> 1;
    t[0][i] = c;
  }
  // t[k][i]: the CRC of byte i followed by k zero bytes.
  for (uint32_t i = 0; i < 256; ++i)
    for (int k = 1; k < 8; ++k)
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  return t;
}

const Tables &tables() {
  static const Tables t = makeTables();
  return t;
}

} // namespace

uint32_t crc32c(const void *data, size_t size, uint32_t crc) {
  const Tables &t = tables();
  const auto *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  while (size >= 8) {
    // Bytes are combined explicitly (not a 64-bit load), so the result does
    // not depend on the host's byte order.
    uint32_t lo = (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
                   uint32_t(p[3]) << 24) ^
                  crc;
    crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^
          t[4][lo >> 24] ^ t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
    p += 8;
    size -= 8;
  }
  while (size--)
    crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xFF];
  return ~crc;
}

} // namespace dsc::plan
