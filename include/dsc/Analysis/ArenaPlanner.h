//===- ArenaPlanner.h - place buffers in an arena by lifetime ---*- C++ -*-===//
//
// Offsets for buffers whose lifetimes ([first, last] instruction indices)
// are known, so that buffers alive at the same time never overlap: an
// allocator simulated in program order, best fit over coalesced free
// blocks, O(n log n) in the buffers (ArenaPlanner.cpp says why not
// largest-first).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_ARENAPLANNER_H
#define DSC_ANALYSIS_ARENAPLANNER_H

#include "llvm/ADT/ArrayRef.h"
#include <cstdint>
#include <vector>

namespace dsc {

struct BufferLifetime {
  int64_t bytes = 0;
  /// The instructions that define and last use the buffer (inclusive).
  int64_t first = 0, last = 0;
};

struct ArenaPlan {
  std::vector<int64_t> offsets;
  /// The arena's size: the end of the highest buffer.
  int64_t arenaBytes = 0;
  /// The most bytes alive at one instruction: no placement beats it.
  int64_t peakLiveBytes = 0;
};

ArenaPlan planArena(llvm::ArrayRef<BufferLifetime> buffers,
                    int64_t alignment = 256);

} // namespace dsc

#endif // DSC_ANALYSIS_ARENAPLANNER_H
