//===- Trace.h - a Chrome / Perfetto trace of executed kernels --*- C++ -*-===//
//
// `dsc-run --trace FILE` records every instruction the executor runs as a
// complete event ("ph": "X", name = opcode, duration in microseconds) nested
// inside an event per program run ("fwd@0", "opt"), in the Trace Event
// Format that chrome://tracing and ui.perfetto.dev open. Times are from the
// trace's creation on a monotonic clock.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_TRACE_H
#define DSC_EXEC_TRACE_H

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace dsc::exec {

class Trace {
public:
  using Clock = std::chrono::steady_clock;

  Trace() : epoch_(Clock::now()) {}

  /// One event; `args` is a JSON object's members (`"step": 3, ...`) or
  /// empty.
  void record(std::string name, Clock::time_point start, Clock::time_point end,
              std::string args = {});

  size_t size() const { return events_.size(); }
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
  };
  Clock::time_point epoch_;
  std::vector<Event> events_;
};

} // namespace dsc::exec

#endif // DSC_EXEC_TRACE_H
