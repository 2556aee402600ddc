//===- Buffers.cpp - the memory of one rank's plan buffers ----------------===//

#include "dsc/exec/Buffers.h"
#include "dsc/exec/ExecError.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace dsc::exec {

void AlignedBytes::Free::operator()(uint8_t *p) const { std::free(p); }

AlignedBytes::AlignedBytes(size_t bytes) : size_(bytes) {
  // aligned_alloc wants a multiple of the alignment; a zero-byte buffer
  // still gets a valid, distinct pointer.
  size_t rounded =
      (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  if (rounded < bytes)
    throw ExecError("cannot allocate " + std::to_string(bytes) + " bytes");
  if (rounded == 0)
    rounded = kBufferAlignment;
  void *p = std::aligned_alloc(kBufferAlignment, rounded);
  if (!p)
    throw ExecError("out of memory allocating " + std::to_string(bytes) +
                    " bytes");
  std::memset(p, 0, rounded);
  data_.reset(static_cast<uint8_t *>(p));
}

BufferSet::BufferSet(const plan::Rank &rank)
    : rank_(&rank), arena_(rank.arenaSize) {
  size_t n = rank.buffers.size();
  views_.resize(n);
  numel_.resize(n);
  bytes_.resize(n);
  for (size_t id = 0; id < n; ++id) {
    const plan::Buffer &b = rank.buffers[id];
    // The validator has checked shapes and sizes; these cannot fail on a
    // validated plan, but a plan built in memory skips the validator.
    auto numel = plan::numElements(b.shape);
    auto bytes = plan::tensorBytes(b.dtype, b.shape);
    if (!numel || !bytes)
      throw ExecError("rank " + std::to_string(rank.rank) + ", buffer b" +
                      std::to_string(id) + " '" + b.name +
                      "': bad shape or dtype");
    numel_[id] = *numel;
    bytes_[id] = *bytes;
    if (b.role == plan::BufferRole::activation) {
      // The last slot's copy is the farthest into the arena.
      uint64_t last = b.slots > 1 ? uint64_t(b.slots - 1) * b.slotStride : 0;
      if (b.slots == 0 || (b.slots > 1 && b.slotStride < *bytes) ||
          (b.slots > 1 && last / (b.slots - 1) != b.slotStride) ||
          b.offset > rank.arenaSize || last > rank.arenaSize - b.offset ||
          *bytes > rank.arenaSize - b.offset - last)
        throw ExecError("rank " + std::to_string(rank.rank) + ", buffer b" +
                        std::to_string(id) + " '" + b.name +
                        "' lies outside the arena");
      views_[id] = arena_.data() + b.offset;
    } else {
      owned_.emplace_back(*bytes);
      views_[id] = owned_.back().data();
      // A constant holds the compiler's values from the start (i32).
      if (b.role == plan::BufferRole::constant) {
        if (b.dtype != plan::DType::i32 ||
            int64_t(b.values.size()) != *numel)
          throw ExecError("rank " + std::to_string(rank.rank) + ", buffer b" +
                          std::to_string(id) + " '" + b.name +
                          "': a constant needs numel i32 values");
        std::memcpy(views_[id], b.values.data(), *bytes);
      }
    }
  }
}

size_t BufferSet::allocatedBytes() const {
  size_t total = arena_.size();
  for (const AlignedBytes &b : owned_)
    total += b.size();
  return total;
}

} // namespace dsc::exec
