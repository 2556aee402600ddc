//===- CpuDevice.cpp - the CPU backend ------------------------------------===//
//
// Host memory (CpuMemory.h), host threads for streams (CpuStreams.h),
// dsc_cpu_kernels for kernels (CpuKernels.h), FP32 staging around them
// (CpuStaging.h).
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"
#include "CpuMemory.h"
#include "CpuStaging.h"
#include "CpuStreams.h"
#include "dsc/exec/Device.h"

#include <cstring>

namespace dsc::exec {

Device::~Device() = default;

namespace {

class CpuDevice : public Device {
public:
  CpuDevice() {
    detail::addCpuDenseKernels(kernels_);
    detail::addCpuElementwiseKernels(kernels_);
    detail::addCpuMoEKernels(kernels_);
    detail::addCpuLossOptimizerKernels(kernels_);
  }

  const char *name() const override { return "cpu"; }

  std::unique_ptr<DeviceMemory> allocate(size_t bytes) override {
    return detail::allocateHost(bytes);
  }
  bool hostAccessible() const override { return true; }
  // An empty buffer may have no address at all; memcpy must not see it.
  void copyToHost(void *host, const void *device, size_t bytes) override {
    if (bytes)
      std::memcpy(host, device, bytes);
  }
  void copyFromHost(void *device, const void *host, size_t bytes) override {
    if (bytes)
      std::memcpy(device, host, bytes);
  }
  std::unique_ptr<Stream> createStream(std::string name,
                                       bool inlineWork) override {
    return detail::makeCpuStream(std::move(name), inlineWork);
  }
  std::unique_ptr<Event> createEvent() override {
    return detail::makeCpuEvent();
  }
  void waitHost(Event &event) override { detail::waitCpuEvent(event); }

  const KernelTable &kernels() const override { return kernels_; }
  Stream::Work prepareLaunch(const KernelTable::Launch &launch, LaunchDesc desc,
                             std::vector<Operand> inputs,
                             std::vector<Operand> outputs,
                             const OptimizerClock &clock) override {
    // Shared: a Work is copied, and the kernel's pointers lead into the
    // launch's own scratch.
    auto bound = std::make_shared<detail::CpuLaunch>(launch, std::move(desc),
                                                     inputs, outputs, clock);
    return [bound] { (*bound)(); };
  }

private:
  KernelTable kernels_;
};

} // namespace

std::unique_ptr<Device> makeCpuDevice() {
  return std::make_unique<CpuDevice>();
}

} // namespace dsc::exec
