//===- StagePartition.h - cut a chain of parts into pipeline stages -*- C++
//-*-===//
//
// A model is a chain of parts (embedding, blocks, MTP modules, head); a
// layout cuts it into consecutive stages. Ranks run one stage (1F1B, ZB-H1,
// interleaved: each stage priced alone) or a mirrored pair, stages r and
// S - 1 - r (DualPipe, DualPipeV, ZB-V). The solver minimises the slowest
// rank's cost, the sum of its stages' costs, subject to a memory test per
// rank, by bisection on that cost: for a bound, a greedy sweep (linear) or
// a frontier over (left cut, right cut) pairs, pair by pair from the
// outside in (mirrored) decides whether a layout fits. Taking the most
// parts a bound allows never hurts the stages left, so both are exact.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_SCHEDULE_STAGEPARTITION_H
#define DSC_SCHEDULE_STAGEPARTITION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <vector>

namespace dsc {

/// Parts [begin, end) of the chain.
struct PartRange {
  int64_t begin = 0, end = 0;
  int64_t size() const { return end - begin; }
};

struct PartitionProblem {
  int64_t numParts = 0;
  int64_t numStages = 0;
  /// Ranks run stages r and numStages - 1 - r (needs an even stage count).
  bool mirrored = false;
  /// Seconds of one micro-batch through `stage` holding `parts`.
  llvm::function_ref<double(int64_t stage, PartRange parts)> stageCost;
  /// Whether the rank running `stages` (one, or a mirrored pair) holding
  /// `ranges` (one per stage) fits in memory; null: always.
  llvm::function_ref<bool(llvm::ArrayRef<int64_t> stages,
                          llvm::ArrayRef<PartRange> ranges)>
      fits;
};

struct Partition {
  /// Parts per stage.
  std::vector<int64_t> stageSizes;
  /// The slowest rank's cost.
  double bottleneck = 0;
};

/// The layout with the smallest bottleneck, every stage non-empty; an error
/// if there are fewer parts than stages or no layout fits in memory.
llvm::Expected<Partition> partitionStages(const PartitionProblem &problem);

/// The bottleneck of a given layout (stage sizes), for comparison.
double partitionBottleneck(const PartitionProblem &problem,
                           llvm::ArrayRef<int64_t> stageSizes);

} // namespace dsc

#endif // DSC_SCHEDULE_STAGEPARTITION_H
