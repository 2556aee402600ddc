//===- Buffers.cpp - the memory of one rank's plan buffers ----------------===//

#include "dsc/exec/Buffers.h"
#include "dsc/exec/ExecError.h"

#include <string>

namespace dsc::exec {

BufferSet::BufferSet(const plan::Rank &rank, Device &device)
    : rank_(&rank), device_(&device), arena_(device.allocate(rank.arenaSize)) {
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
      views_[id] = static_cast<uint8_t *>(arena_->data()) + b.offset;
    } else {
      owned_.push_back(device.allocate(*bytes));
      views_[id] = owned_.back()->data();
      // A constant holds the compiler's values from the start (i32).
      if (b.role == plan::BufferRole::constant) {
        if (b.dtype != plan::DType::i32 ||
            int64_t(b.values.size()) != *numel)
          throw ExecError("rank " + std::to_string(rank.rank) + ", buffer b" +
                          std::to_string(id) + " '" + b.name +
                          "': a constant needs numel i32 values");
        device.copyFromHost(views_[id], b.values.data(), *bytes);
      }
    }
  }
}

size_t BufferSet::allocatedBytes() const {
  size_t total = arena_->size();
  for (const std::unique_ptr<DeviceMemory> &b : owned_)
    total += b->size();
  return total;
}

void BufferSet::read(uint32_t id, size_t offset, void *host, size_t n) const {
  device_->copyToHost(host, static_cast<uint8_t *>(views_[id]) + offset, n);
}

void BufferSet::write(uint32_t id, size_t offset, const void *host, size_t n) {
  device_->copyFromHost(static_cast<uint8_t *>(views_[id]) + offset, host, n);
}

const uint8_t *BufferSet::hostView(uint32_t id, size_t offset, size_t n,
                                   std::vector<uint8_t> &staging) const {
  if (device_->hostAccessible())
    return static_cast<const uint8_t *>(views_[id]) + offset;
  staging.resize(n);
  read(id, offset, staging.data(), n);
  return staging.data();
}

} // namespace dsc::exec
