//===- Progress.cpp - dsc-run's progress line -----------------------------===//

#include "Progress.h"

#include <cinttypes>
#include <cstdio>

namespace dsc::run {

Progress::Progress(bool enabled, uint64_t first, uint64_t last)
    : enabled(enabled && first <= last), first(first), last(last) {}

void Progress::update(uint64_t step, double loss, double seconds,
                      uint64_t tokens) {
  if (!enabled)
    return;
  uint64_t done = step - first + 1, total = last - first + 1;
  double left = seconds / double(done) * double(total - done);
  auto whole = uint64_t(left + 0.5);
  std::fprintf(stderr,
               "\r\033[K[step %" PRIu64 "/%" PRIu64 "] %3.0f%% | %.0f "
               "tokens/s | loss %.4f | eta %" PRIu64 ":%02" PRIu64,
               step, last, 100.0 * double(done) / double(total),
               double(tokens) / seconds, loss, whole / 60, whole % 60);
  std::fflush(stderr);
  drawn = true;
}

void Progress::clear() {
  if (!drawn)
    return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn = false;
}

void Progress::finish() {
  if (!drawn)
    return;
  std::fputc('\n', stderr);
  std::fflush(stderr);
  drawn = false;
}

} // namespace dsc::run
