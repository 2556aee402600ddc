//===- Device.h - the backend one rank runs on ------------------*- C++ -*-===//
//
// Everything the executor's core needs of a backend: memory (buffers
// allocated on the device, copies to and from the host), streams and events
// (Stream.h), its kernel table (KernelTable.h) and how it launches a kernel
// on operands in their storage dtypes. The CPU is the first backend
// (cpu/CpuDevice.cpp); a GPU backend implements the same interface
// (CUDA streams and events, its kernels, its own precision handling) and
// the executor needs no change.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_DEVICE_H
#define DSC_EXEC_DEVICE_H

#include "dsc/exec/KernelTable.h"
#include "dsc/exec/Stream.h"
#include "dsc/plan/OpInfo.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace dsc::exec {

/// Every allocation's alignment: a cache line and the widest vector loads
/// on the CPU (a GPU allocator aligns more).
inline constexpr size_t kBufferAlignment = 64;
// The validator aligns arena offsets to their dtype (at most 8 bytes).
static_assert(kBufferAlignment % 8 == 0, "the arena must align every dtype");

/// Bytes of device memory, freed with the object.
class DeviceMemory {
public:
  virtual ~DeviceMemory();
  /// The first byte (a device address; host memory on the CPU).
  virtual void *data() const = 0;
  /// Bytes asked for.
  virtual size_t size() const = 0;
};

/// How a launch uses one operand's buffer. The executor's core derives it
/// from the plan (OpInfo's access and plan::outputAccess); the backend
/// implements it.
enum class OperandUse {
  Read,   // an input
  Write,  // the kernel overwrites it
  Update, // the kernel reads and updates it (gradients +=, optimizer steps)
  /// The kernel's value is added into the buffer (+=): the plan's rule for
  /// a written output bound to a step-long `loss` / `persistent` buffer, so
  /// a step's micro-batches sum their losses and loads there. The kernel
  /// itself writes; the backend adds (the CPU through scratch, a GPU with
  /// its own kernel or an epilogue).
  AddTo,
};

/// One operand as the plan lays it out: its memory on the device, in its
/// storage dtype.
struct Operand {
  void *data;
  plan::DType dtype;
  int64_t numel;
  plan::OperandType type; // OpInfo's: what the kernel accepts
  OperandUse use;
};

class Device {
public:
  virtual ~Device();
  /// "cpu": names the backend in messages.
  virtual const char *name() const = 0;

  /// `bytes` bytes aligned to kBufferAlignment, zeroed (a zero-byte request
  /// still gets a valid, distinct address). Throws ExecError when the
  /// memory cannot be had.
  virtual std::unique_ptr<DeviceMemory> allocate(size_t bytes) = 0;
  /// Whether the host may read and write the device's memory through its
  /// addresses (the CPU's is host memory). Host code that only needs to
  /// look may then skip the copies below.
  virtual bool hostAccessible() const = 0;
  /// Copies between device memory and host memory, synchronously with
  /// respect to the host (the streams must be idle or ordered before:
  /// the executor's callers copy between steps).
  virtual void copyToHost(void *host, const void *device, size_t bytes) = 0;
  virtual void copyFromHost(void *device, const void *host, size_t bytes) = 0;

  /// A stream that runs its work on the calling thread (`inline`) or on a
  /// thread of its own, in issue order.
  virtual std::unique_ptr<Stream> createStream(std::string name,
                                               bool inlineWork) = 0;
  virtual std::unique_ptr<Event> createEvent() = 0;
  /// Blocks the host until `event`'s latest recording; throws the error of
  /// a failed stream.
  virtual void waitHost(Event &event) = 0;

  /// The backend's kernels.
  virtual const KernelTable &kernels() const = 0;
  /// The work of one launch of `launch` (from kernels()) on `inputs` and
  /// `outputs`, prepared once at bind time and run for every issue. The
  /// backend adapts storage to its kernels here (the CPU stages BF16 / F16
  /// through FP32 scratch) and implements OperandUse::AddTo.
  virtual Stream::Work prepareLaunch(const KernelTable::Launch &launch,
                                     LaunchDesc desc,
                                     std::vector<Operand> inputs,
                                     std::vector<Operand> outputs,
                                     const OptimizerClock &clock) = 0;
};

/// The CPU: inline streams run on the host thread; the others on a worker
/// thread each (communication progresses there, under the compute).
std::unique_ptr<Device> makeCpuDevice();

} // namespace dsc::exec

#endif // DSC_EXEC_DEVICE_H
