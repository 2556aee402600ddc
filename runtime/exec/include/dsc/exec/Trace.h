//===- Trace.h - a Chrome / Perfetto trace of executed kernels --*- C++ -*-===//
//
// `dsc-run --trace FILE` records every instruction the executor runs as a
// complete event ("ph": "X", name = opcode, duration in microseconds) nested
// inside an event per program run ("fwd@0", "opt"), in the Trace Event
// Format that chrome://tracing and ui.perfetto.dev open. Times are from the
// trace's creation on a monotonic clock. Each stream is a track of its own
// (a thread of the trace, named after the stream), so compute and
// communication show side by side; streams record concurrently.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TRACE_H
#define DSC_EXEC_TRACE_H

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace dsc::exec {

class Trace {
public:
  using Clock = std::chrono::steady_clock;

  Trace() : epoch_(Clock::now()) {}

  /// One event on track `track` (a stream's name; "" is "compute"); `args`
  /// is a JSON object's members (`"step": 3, ...`) or empty. Thread-safe.
  void record(std::string name, Clock::time_point start, Clock::time_point end,
              std::string args = {}, const std::string &track = {});

  /// The trace's process (its `pid` and name, e.g. the world rank and
  /// "rank 3"), so that the traces of several ranks lay side by side as
  /// `dsc schedule --format trace` draws them. Default: 0, unnamed.
  void setProcess(int pid, std::string name) {
    std::lock_guard<std::mutex> lock(mutex_);
    pid_ = pid;
    processName_ = std::move(name);
  }

  size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
  }
  /// The trace as JSON (the Trace Event Format's object form).
  std::string json() const;
  /// Writes json() to `path` atomically. Throws ExecError.
  void write(const std::string &path) const;
  /// Checks, before any work, that write(path) could succeed: creates (and
  /// removes) the temporary file it writes first, and refuses a directory
  /// at `path`. Throws ExecError naming the path.
  static void checkWritable(const std::string &path);

private:
  struct Event {
    std::string name;
    double startUs, durationUs;
    std::string args;
    size_t track;
  };
  Clock::time_point epoch_;
  mutable std::mutex mutex_;
  int pid_ = 0;
  std::string processName_;
  std::vector<std::string> tracks_ = {"compute"};
  std::vector<Event> events_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_TRACE_H
