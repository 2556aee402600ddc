//===- DeviceTest.cpp - kernel tables, device memory, CPU launches --------===//
//
// The executor's core needs a backend's kernel for every compute opcode and
// refuses a plan at bind time where the backend has none; the CPU backend
// allocates aligned, zeroed memory and stages BF16 / F16 operands through
// FP32 around its kernels, adding AddTo outputs into their buffers.
//
//===----------------------------------------------------------------------===//

#include "dsc/exec/Device.h"
#include "TestPlan.h"
#include "dsc/numerics/HalfFloat.h"
#include "dsc/plan/OpInfo.h"

#include <gtest/gtest.h>

#include <cstring>

namespace dsc::exec {
namespace {

using test::errorOf;
using test::PlanBuilder;

TEST(KernelTable, FindsWhatWasAddedAndRefusesTwice) {
  KernelTable table;
  EXPECT_EQ(table.find(plan::Opcode::linear_fwd), nullptr);
  int calls = 0;
  table.add(plan::Opcode::add,
            [&](const LaunchDesc &, const KernelArgs &) { ++calls; });
  ASSERT_NE(table.find(plan::Opcode::add), nullptr);
  (*table.find(plan::Opcode::add))(ElementsLaunch{1}, KernelArgs{});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(table.find(plan::Opcode::linear_fwd), nullptr);
  EXPECT_EQ(errorOf([&] {
              table.add(plan::Opcode::add,
                        [](const LaunchDesc &, const KernelArgs &) {});
            }),
            "the kernel table has add twice");
}

TEST(KernelTable, TheCpuBackendRunsEveryComputeOpcode) {
  auto device = makeCpuDevice();
  int compute = 0;
  for (int op = 1;
       const plan::OpInfo *info = plan::findOpInfo(plan::Opcode(op)); ++op) {
    if (info->comm != plan::CommKind::None)
      continue;
    ++compute;
    EXPECT_NE(device->kernels().find(info->op), nullptr)
        << plan::opcodeName(info->op);
  }
  EXPECT_GT(compute, 40);
}

/// The CPU device with a kernel table of its own: what a backend that
/// lacks kernels looks like to the executor.
class TableDevice : public Device {
public:
  std::unique_ptr<Device> cpu = makeCpuDevice();
  KernelTable table;

  const char *name() const override { return "test"; }
  std::unique_ptr<DeviceMemory> allocate(size_t bytes) override {
    return cpu->allocate(bytes);
  }
  bool hostAccessible() const override { return true; }
  void copyToHost(void *host, const void *device, size_t bytes) override {
    cpu->copyToHost(host, device, bytes);
  }
  void copyFromHost(void *device, const void *host, size_t bytes) override {
    cpu->copyFromHost(device, host, bytes);
  }
  std::unique_ptr<Stream> createStream(std::string name,
                                       bool inlineWork) override {
    return cpu->createStream(std::move(name), inlineWork);
  }
  std::unique_ptr<Event> createEvent() override { return cpu->createEvent(); }
  void waitHost(Event &event) override { cpu->waitHost(event); }
  const KernelTable &kernels() const override { return table; }
  Stream::Work prepareLaunch(const KernelTable::Launch &launch, LaunchDesc desc,
                             std::vector<Operand> inputs,
                             std::vector<Operand> outputs,
                             const OptimizerClock &clock) override {
    return cpu->prepareLaunch(launch, std::move(desc), std::move(inputs),
                              std::move(outputs), clock);
  }
};

TEST(KernelTable, ABackendWithoutTheKernelRefusesAtBindTime) {
  PlanBuilder b;
  int32_t pw = b.param("w", {4, 3});
  uint32_t w = b.bound(pw, plan::BufferRole::parameter);
  uint32_t x = b.act("x", {8, 3}), y = b.act("y", {8, 4});
  uint32_t fwd = b.program("fwd", plan::ProgramKind::forward);
  b.emit(fwd, plan::Opcode::linear_fwd, {x, w}, {y});
  plan::Plan plan = b.load();
  EXPECT_EQ(errorOf([&] {
              Executor e(plan, 0, nullptr, std::make_unique<TableDevice>());
            }),
            "rank 0, program 'fwd' (#0), instruction 0 (linear_fwd): the "
            "test backend has no kernel for linear_fwd");

  // With the kernel, the same plan binds and runs it.
  auto device = std::make_unique<TableDevice>();
  bool ran = false;
  device->table.add(plan::Opcode::linear_fwd,
                    [&](const LaunchDesc &desc, const KernelArgs &) {
                      const auto &d = std::get<LinearLaunch>(desc);
                      EXPECT_EQ(d.rows, 8);
                      EXPECT_EQ(d.in, 3);
                      EXPECT_EQ(d.out, 4);
                      ran = true;
                    });
  Executor e(plan, 0, nullptr, std::move(device));
  e.run(fwd);
  EXPECT_TRUE(ran);
}

TEST(CpuDevice, AllocatesAlignedZeroedMemoryAndCopies) {
  auto device = makeCpuDevice();
  EXPECT_TRUE(device->hostAccessible());
  for (size_t bytes : {size_t(0), size_t(1), size_t(100), size_t(4096)}) {
    std::unique_ptr<DeviceMemory> m = device->allocate(bytes);
    EXPECT_EQ(m->size(), bytes);
    ASSERT_NE(m->data(), nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(m->data()) % kBufferAlignment, 0u);
    std::vector<uint8_t> host(bytes, 0xff);
    device->copyToHost(host.data(), m->data(), bytes);
    EXPECT_EQ(host, std::vector<uint8_t>(bytes, 0)) << bytes << " bytes";
  }
  auto a = device->allocate(0), b = device->allocate(0);
  EXPECT_NE(a->data(), b->data());
  auto m = device->allocate(4);
  const uint8_t in[4] = {1, 2, 3, 4};
  uint8_t out[4] = {};
  device->copyFromHost(m->data(), in, 4);
  device->copyToHost(out, m->data(), 4);
  EXPECT_EQ(std::memcmp(in, out, 4), 0);
  EXPECT_NE(errorOf([&] { device->allocate(~size_t(0) - 8); }), "");
}

TEST(CpuDevice, StagesBF16ThroughFP32AndAddsAddToOutputs) {
  auto device = makeCpuDevice();
  // x: bf16 input (staged), y: bf16 written output (staged back), loss:
  // f32 AddTo (added), ids: i32 (the buffer's own bytes).
  uint16_t x[2] = {numerics::floatToBF16(1.5f), numerics::floatToBF16(-2.0f)};
  uint16_t y[2] = {};
  float loss = 10.0f;
  int32_t ids[1] = {7};
  const void *seenIds = nullptr;
  KernelTable::Launch launch = [&](const LaunchDesc &, const KernelArgs &a) {
    EXPECT_EQ(a.f32(0)[0], 1.5f);
    EXPECT_EQ(a.f32(0)[1], -2.0f);
    seenIds = a.in[1];
    a.outF32(0)[0] = 3.0f;
    a.outF32(0)[1] = 4.0f;
    a.outF32(1)[0] = 0.25f;
  };
  using plan::DType;
  using plan::OperandType;
  Stream::Work work = device->prepareLaunch(
      launch, ElementsLaunch{2},
      {{x, DType::bf16, 2, OperandType::Floating, OperandUse::Read},
       {ids, DType::i32, 1, OperandType::I32, OperandUse::Read}},
      {{y, DType::bf16, 2, OperandType::Floating, OperandUse::Write},
       {&loss, DType::f32, 1, OperandType::F32, OperandUse::AddTo}},
      OptimizerClock{});
  work();
  work();
  EXPECT_EQ(seenIds, ids);
  EXPECT_EQ(numerics::bf16ToFloat(y[0]), 3.0f);
  EXPECT_EQ(numerics::bf16ToFloat(y[1]), 4.0f);
  EXPECT_EQ(loss, 10.5f);
}

} // namespace
} // namespace dsc::exec
