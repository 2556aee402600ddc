//===- CpuMemory.cpp - host memory for the CPU backend --------------------===//

#include "CpuMemory.h"
#include "dsc/exec/ExecError.h"

#include <cstdlib>
#include <cstring>
#include <string>

namespace dsc::exec {

DeviceMemory::~DeviceMemory() = default;

namespace detail {
namespace {

class HostMemory : public DeviceMemory {
public:
  HostMemory(void *data, size_t size) : data_(data), size_(size) {}
  ~HostMemory() override { std::free(data_); }
  HostMemory(const HostMemory &) = delete;
  HostMemory &operator=(const HostMemory &) = delete;

  void *data() const override { return data_; }
  size_t size() const override { return size_; }

private:
  void *data_;
  size_t size_;
};

} // namespace

std::unique_ptr<DeviceMemory> allocateHost(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; a zero-byte buffer
  // still gets a valid, distinct pointer.
  size_t rounded =
      (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  if (rounded < bytes)
    throw ExecError("cannot allocate " + std::to_string(bytes) + " bytes",
                    ErrorCode::ResourceExhausted);
  if (rounded == 0)
    rounded = kBufferAlignment;
  void *p = std::aligned_alloc(kBufferAlignment, rounded);
  if (!p)
    throw ExecError("out of memory allocating " + std::to_string(bytes) +
                        " bytes",
                    ErrorCode::ResourceExhausted);
  std::memset(p, 0, rounded);
  return std::make_unique<HostMemory>(p, bytes);
}

} // namespace detail
} // namespace dsc::exec
