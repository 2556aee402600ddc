//===- Buffers.h - the memory of one rank's plan buffers --------*- C++ -*-===//
//
// A rank's buffers as the plan lays them out: activation buffers are views
// at their offsets in one arena (the compiler's memory planner reuses bytes
// between values whose lifetimes do not overlap, so views may share bytes);
// every other role (parameters, gradients, optimizer states, input ids,
// labels, losses, persistent state) is an allocation of its own that lives
// for the whole run. Every allocation is 64-byte aligned (a cache line and
// the widest vector loads) and starts zeroed: gradients, losses and loads
// accumulate from the first micro-batch, and the optimizer's closing `fill`
// only zeroes them for the next step.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_BUFFERS_H
#define DSC_EXEC_BUFFERS_H

#include "dsc/plan/Plan.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace dsc::exec {

/// Zeroed bytes aligned to kBufferAlignment, freed with the object.
class AlignedBytes {
public:
  AlignedBytes() = default;
  /// Throws ExecError when the memory cannot be had.
  explicit AlignedBytes(size_t bytes);

  uint8_t *data() const { return data_.get(); }
  size_t size() const { return size_; }

private:
  struct Free {
    void operator()(uint8_t *p) const;
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

inline constexpr size_t kBufferAlignment = 64;
// The validator aligns arena offsets to their dtype (at most 8 bytes).
static_assert(kBufferAlignment % 8 == 0, "the arena must align every dtype");

class BufferSet {
public:
  /// Allocates `rank`'s arena and buffers (a validated plan: activations
  /// lie inside the arena). Throws ExecError when memory runs out.
  explicit BufferSet(const plan::Rank &rank);

  size_t count() const { return views_.size(); }
  const plan::Buffer &buffer(uint32_t id) const { return rank_->buffers[id]; }
  /// The buffer's first byte; its tensor's bytes follow. A buffer with
  /// several slots (one per micro-batch in flight) has `slot`'s copy here,
  /// taken modulo its slot count.
  void *data(uint32_t id, uint32_t slot = 0) const {
    const plan::Buffer &b = rank_->buffers[id];
    if (b.slots <= 1)
      return views_[id];
    return static_cast<uint8_t *>(views_[id]) +
           size_t(slot % b.slots) * size_t(b.slotStride);
  }
  template <typename T> T *as(uint32_t id) const {
    return static_cast<T *>(views_[id]);
  }
  /// Elements of the buffer's shape (1 for a scalar).
  int64_t numel(uint32_t id) const { return numel_[id]; }
  /// Bytes of the buffer's tensor (numel x element size).
  size_t bytes(uint32_t id) const { return bytes_[id]; }
  /// Bytes held: the arena plus the separate allocations.
  size_t allocatedBytes() const;

private:
  const plan::Rank *rank_;
  AlignedBytes arena_;
  std::vector<AlignedBytes> owned_;
  std::vector<void *> views_;
  std::vector<int64_t> numel_;
  std::vector<size_t> bytes_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_BUFFERS_H
