//===- Progress.h - dsc-run's progress line ---------------------*- C++ -*-===//
//
// One line on stderr, rewritten in place after every step: steps done of
// the run, percent, tokens/s over the run, the last loss and the time
// left. On by default when stderr is a terminal (a log file gets only the
// step lines on stdout); `--progress` forces it.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_RUN_PROGRESS_H
#define DSC_RUN_PROGRESS_H

#include <cstdint>

namespace dsc::run {

class Progress {
public:
  /// Steps first..last (inclusive) of this run.
  Progress(bool enabled, uint64_t first, uint64_t last);

  /// Step `step` finished; `seconds` and `tokens` are the run's totals.
  void update(uint64_t step, double loss, double seconds, uint64_t tokens);
  /// Erases the line, so stdout output does not land in its middle; the
  /// next update draws it again.
  void clear();
  /// Ends the line for good (a newline after the last update).
  void finish();

private:
  bool enabled;
  bool drawn = false;
  uint64_t first, last;
};

} // namespace dsc::run

#endif // DSC_RUN_PROGRESS_H
