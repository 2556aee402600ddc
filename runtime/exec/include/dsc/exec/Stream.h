//===- Stream.h - a device's streams and events -----------------*- C++ -*-===//
//
// The executor issues every instruction to the stream the plan names
// (compute or comm) and orders streams only by the plan's events, as a CUDA
// program orders its streams: work on one stream runs in issue order;
// recording an event on a stream marks the point after everything issued
// there so far; waiting for an event (from a stream, or the host) waits for
// its latest recording at the time of the call. A Device (Device.h) makes
// them.
//
// Errors: a work item that throws fails its stream. The stream skips its
// later work, the events it records then complete as failed, and whoever
// waits for them (another stream or the host) receives the first error, so
// a failure never leaves a waiter hanging; synchronize() rethrows it once,
// and the stream then runs new work again.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_STREAM_H
#define DSC_EXEC_STREAM_H

#include <functional>
#include <memory>
#include <string>

namespace dsc::exec {

/// A point in one stream's work (Device::createEvent).
class Event {
public:
  virtual ~Event();
};

class Stream {
public:
  using Work = std::function<void()>;

  virtual ~Stream();
  /// Runs `work` after everything issued before it on this stream (an
  /// inline stream runs it now, on the calling thread, and lets its
  /// exception through).
  virtual void enqueue(Work work) = 0;
  /// Marks the point after the work issued so far.
  virtual void record(Event &event) = 0;
  /// Later work waits for `event`'s latest recording.
  virtual void wait(Event &event) = 0;
  /// Blocks the host until the stream's work completed; throws the first
  /// error its work threw since the last synchronize().
  virtual void synchronize() = 0;
  /// "compute", "comm": the trace's track.
  virtual const std::string &name() const = 0;
};

} // namespace dsc::exec

#endif // DSC_EXEC_STREAM_H
