//===- Executor.h - runs one rank's programs on a device --------*- C++ -*-===//
//
// The executor owns a rank's buffers (Buffers.h) and its programs, bound
// once: every instruction's shapes are checked when the executor is
// constructed (backend-neutrally) and the device's kernel table must have
// its opcode, so a plan it cannot run is refused up front with the rank,
// program and instruction named. Running a program then issues the
// kernels in order; a kernel that rejects data (a token id out of range,
// bad expert offsets) becomes an ExecError naming the instruction too.
//
// Execution rules beyond the kernels' own (runtime/exec/README.md):
// - operands reach the device in their storage dtypes; how it computes on
//   BF16 / F16 is the backend's (the CPU stages them through FP32);
// - an output bound to a `loss` or `persistent` buffer accumulates (+=)
//   over a step's micro-batches (OperandUse::AddTo: the backend adds the
//   kernel's value). The compiler writes each micro-batch's loss and expert
//   loads straight into these step-long buffers and zeroes them with the
//   optimizer's closing `fill`, which itself overwrites;
// - every instruction is issued to the stream the plan names (compute,
//   comm) on the device (Device.h; the CPU by default), after the events it
//   waits for and before those it records; streams are ordered by events
//   alone. On the CPU, compute runs inline on the calling thread and the
//   comm stream on a thread of its own (so communication progresses under
//   the compute, and a plan must order the two with events);
// - communication runs over the world the executor is given: send / recv
//   to world ranks, collectives over the communicator of their plan group;
//   a send copies its payload and returns (finishStep waits for the step's
//   sends), every other call blocks until it completed;
// - a buffer with several slots has one copy per micro-batch in flight:
//   run(program, mb) binds copy mb mod slots.
//
// Multi-rank plans: every rank of the world builds its Executor with the
// same world at the same point of the program, because construction is
// collective (each plan group is split from the world, in plan order), and
// then runs the same programs in an order whose communication matches
// (the plan's schedule).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_EXECUTOR_H
#define DSC_EXEC_EXECUTOR_H

#include "dsc/comm/Communicator.h"
#include "dsc/exec/Buffers.h"
#include "dsc/exec/Device.h"
#include "dsc/plan/Plan.h"

#include <cstdint>
#include <memory>
#include <string>

namespace dsc::exec {

class Trace;

class Executor {
public:
  /// Binds world rank `rank` of a validated plan, which must outlive the
  /// executor, as rank `rank` of `world` (null: a world of one of its own).
  /// The world must have the plan's size and outlive the executor.
  /// Collective over the world (see above). Runs on `device` (null: the
  /// CPU, makeCpuDevice()). Throws ExecError.
  Executor(const plan::Plan &plan, int32_t rank,
           comm::Communicator *world = nullptr,
           std::unique_ptr<Device> device = nullptr);
  ~Executor();
  Executor(const Executor &) = delete;
  Executor &operator=(const Executor &) = delete;

  const plan::Plan &plan() const;
  const plan::Rank &rank() const;
  BufferSet &buffers();
  const BufferSet &buffers() const;
  /// The world the executor runs in (its own world of one when given
  /// none).
  comm::Communicator &world();

  /// The optimizer step (1-based, AdamW's bias correction) and learning
  /// rate the next optimizer instructions use.
  void setOptimizerStep(int64_t step, double lr);
  /// Records every instruction into `trace` (null: stop recording).
  void setTrace(Trace *trace);
  /// Whether communication overlaps compute (the default): the comm
  /// stream on a thread of its own; off, it runs inline on the calling
  /// thread too, in issue order (results are the same; for measuring what
  /// overlap buys, and for debugging).
  void setOverlap(bool overlap);
  /// Makes every communication take at least as long as on the plan's
  /// cluster with its link bandwidths times `speed` (0: off, the default):
  /// NVLink within a node, InfiniBand across, latency plus bytes over
  /// bandwidth, collectives as rings. Results are unchanged; the comm
  /// stream waits the difference out.
  void emulateNetwork(double speed);

  /// Issues program `program` (an index into the rank's programs): each
  /// instruction to its stream (Stream.h), honouring the plan's events;
  /// the micro-batch labels errors and trace events (-1: none). Work on an
  /// inline stream has run when this returns; synchronize() waits for the
  /// rest. Throws ExecError (an asynchronous stream's error: at the next
  /// wait for it, or synchronize()).
  void run(uint32_t program, int32_t microBatch = -1);
  /// Runs two programs as an overlapped pair (Rank.overlapped): their
  /// chunks (Program.chunks) issued in turn, first's chunk 0 first.
  void runOverlapped(uint32_t first, int32_t firstMicroBatch, uint32_t second,
                     int32_t secondMicroBatch);
  /// Waits until every stream finished what was issued; throws the first
  /// error of a stream.
  void synchronize();
  /// synchronize(), then waits for the step's sends to complete (a send
  /// returns as soon as it copied its payload). Throws CommTimeoutError
  /// naming the send.
  void finishStep();

  /// "rank R, program 'NAME' (#P), instruction I (OPCODE)", as the plan
  /// validator names instructions.
  std::string where(uint32_t program, size_t instruction) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_EXECUTOR_H
