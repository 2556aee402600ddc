//===- Trace.cpp - a Chrome / Perfetto trace of executed kernels ----------===//

#include "dsc/exec/Trace.h"
#include "dsc/exec/ExecError.h"
#include "dsc/io/AtomicFile.h"
#include "dsc/io/Error.h"
#include "dsc/io/Json.h"

#include <cstdio>
#include <sys/stat.h>

namespace dsc::exec {

void Trace::record(std::string name, Clock::time_point start,
                   Clock::time_point end, std::string args,
                   const std::string &track) {
  using Us = std::chrono::duration<double, std::micro>;
  const std::string &trackName = track.empty() ? tracks_.front() : track;
  std::lock_guard<std::mutex> lock(mutex_);
  size_t id = 0;
  while (id < tracks_.size() && tracks_[id] != trackName)
    ++id;
  if (id == tracks_.size())
    tracks_.push_back(trackName);
  events_.push_back({std::move(name), Us(start - epoch_).count(),
                     Us(end - start).count(), std::move(args), id});
}

std::string Trace::json() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out = "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n";
  std::string pid = std::to_string(pid_);
  if (!processName_.empty())
    out += "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": " + pid +
           ", \"args\": {\"name\": " + io::jsonQuote(processName_) + "}},\n";
  // One named thread per track.
  for (size_t t = 0; t < tracks_.size(); ++t)
    out += "{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": " + pid +
           ", \"tid\": " + std::to_string(t) +
           ", \"args\": {\"name\": " + io::jsonQuote(tracks_[t]) + "}},\n";
  char numbers[96];
  for (size_t i = 0; i < events_.size(); ++i) {
    const Event &e = events_[i];
    // Microseconds with nanosecond digits: viewers accept fractions.
    std::snprintf(numbers, sizeof(numbers), "\"ts\": %.3f, \"dur\": %.3f",
                  e.startUs, e.durationUs);
    out += "{\"name\": " + io::jsonQuote(e.name) +
           ", \"ph\": \"X\", \"pid\": " + pid +
           ", \"tid\": " + std::to_string(e.track) + ", " + numbers;
    if (!e.args.empty())
      out += ", \"args\": {" + e.args + "}";
    out += i + 1 < events_.size() ? "},\n" : "}\n";
  }
  return out + "]}\n";
}

void Trace::write(const std::string &path) const {
  std::string text = json();
  try {
    io::writeFileAtomically(path, text);
  } catch (const io::Error &e) {
    throw ExecError(std::string("writing the trace: ") + e.what());
  }
}

void Trace::checkWritable(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ExecError(path + ": is a directory, not a trace file");
  try {
    io::AtomicFileWriter probe(path); // removed again when it goes
  } catch (const io::Error &e) {
    throw ExecError(e.what());
  }
}

} // namespace dsc::exec
