//===- Buffers.h - the memory of one rank's plan buffers --------*- C++ -*-===//
//
// A rank's buffers as the plan lays them out: activation buffers are views
// at their offsets in one arena (the compiler's memory planner reuses bytes
// between values whose lifetimes do not overlap, so views may share bytes);
// every other role (parameters, gradients, optimizer states, input ids,
// labels, losses, persistent state) is an allocation of its own that lives
// for the whole run. The device allocates them (Device::allocate): aligned
// to kBufferAlignment and zeroed, so gradients, losses and loads accumulate
// from the first micro-batch, and the optimizer's closing `fill` only zeroes
// them for the next step.
//
// Addresses are the device's. Host code (weights, checkpoints, data, loss
// reading) moves bytes with read() / write(), which copy through the device
// (a memcpy on the CPU), or looks through hostView(), which copies only
// where the device's memory is not the host's.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_BUFFERS_H
#define DSC_EXEC_BUFFERS_H

#include "dsc/exec/Device.h"
#include "dsc/plan/Plan.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace dsc::exec {

class BufferSet {
public:
  /// Allocates `rank`'s arena and buffers (a validated plan: activations
  /// lie inside the arena) on `device`, which must outlive the set. Throws
  /// ExecError when memory runs out.
  BufferSet(const plan::Rank &rank, Device &device);

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

  /// Copies `n` bytes at byte `offset` of buffer `id` (slot 0) to host
  /// memory `host`, or from it, through the device.
  void read(uint32_t id, size_t offset, void *host, size_t n) const;
  void write(uint32_t id, size_t offset, const void *host, size_t n);
  /// `n` bytes at `offset` of buffer `id` as the host can read them: the
  /// buffer itself where the device's memory is host memory, otherwise a
  /// copy in `staging` (which must outlive the use).
  const uint8_t *hostView(uint32_t id, size_t offset, size_t n,
                          std::vector<uint8_t> &staging) const;

private:
  const plan::Rank *rank_;
  Device *device_;
  std::unique_ptr<DeviceMemory> arena_;
  std::vector<std::unique_ptr<DeviceMemory>> owned_;
  std::vector<void *> views_;
  std::vector<int64_t> numel_;
  std::vector<size_t> bytes_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_BUFFERS_H
