//===- StagePartition.cpp - cut a chain of parts into pipeline stages -----===//

#include "dsc/CostModel/StagePartition.h"
#include "llvm/ADT/Twine.h"
#include <algorithm>
#include <cmath>
#include <optional>

using namespace dsc;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// Decides, for a bound on the slowest rank, whether a layout exists.
class BoundedSearch {
public:
  BoundedSearch(const PartitionProblem &problem, bool checkMemory)
      : problem(problem), checkMemory(checkMemory) {}

  /// Stage sizes meeting `bound` on every rank and `stageBound` on every
  /// stage, or nullopt.
  std::optional<std::vector<int64_t>> solve(double bound,
                                            double stageBound) const {
    this->stageBound = stageBound;
    return problem.mirrored ? solveMirrored(bound) : solveLinear(bound);
  }

private:
  bool fits(llvm::ArrayRef<int64_t> stages,
            llvm::ArrayRef<PartRange> ranges) const {
    return !checkMemory || !problem.fits || problem.fits(stages, ranges);
  }
  /// A stage over the stage bound costs too much for any rank bound.
  double cost(int64_t stage, PartRange range) const {
    double seconds = problem.stageCost(stage, range);
    return seconds <= stageBound ? seconds : HUGE_VAL;
  }

  std::optional<std::vector<int64_t>> solveLinear(double bound) const {
    int64_t n = problem.numParts, stages = problem.numStages;
    std::vector<int64_t> sizes;
    int64_t begin = 0;
    for (int64_t s = 0; s < stages; ++s) {
      // Leave a part for every later stage; the last takes the rest.
      int64_t maxEnd = s + 1 == stages ? n : n - (stages - 1 - s);
      int64_t minEnd = s + 1 == stages ? n : begin + 1;
      int64_t end = maxEnd;
      for (; end >= minEnd; --end) {
        PartRange range{begin, end};
        int64_t stage[] = {s};
        if (cost(s, range) <= bound && fits(stage, range))
          break;
      }
      if (end < minEnd)
        return std::nullopt;
      sizes.push_back(end - begin);
      begin = end;
    }
    return sizes;
  }

  /// Pairs (r, S - 1 - r) from the outside in; `frontier[a]` is the
  /// smallest right cut b reachable with the left stages ending at a.
  std::optional<std::vector<int64_t>> solveMirrored(double bound) const {
    int64_t n = problem.numParts, stages = problem.numStages;
    int64_t pairs = stages / 2;
    constexpr int64_t none = -1;
    // choice[k][a'] = (a, b') that reached (a', b') at pair k.
    std::vector<std::vector<std::pair<int64_t, int64_t>>> choice(pairs);
    std::vector<int64_t> frontier(n + 1, none);
    frontier[0] = n;
    for (int64_t k = 0; k < pairs; ++k) {
      int64_t left = k, right = stages - 1 - k;
      int64_t rank[] = {left, right};
      std::vector<int64_t> next(n + 1, none);
      choice[k].assign(n + 1, {none, none});
      bool middle = k + 1 == pairs;
      // Parts the stages after this pair need, one each.
      int64_t reserve = 2 * (pairs - 1 - k);
      for (int64_t a = 0; a <= n; ++a) {
        int64_t b = frontier[a];
        if (b == none)
          continue;
        for (int64_t cut = a + 1; cut < b; ++cut) {
          PartRange leftRange{a, cut};
          double leftCost = cost(left, leftRange);
          if (leftCost > bound)
            break;
          // The middle pair splits what is left; the others take the
          // longest right stage the bound allows, keeping the reserve.
          auto meets = [&](int64_t start) {
            PartRange rightRange{start, b};
            PartRange ranges[] = {leftRange, rightRange};
            return leftCost + cost(right, rightRange) <= bound &&
                   fits(rank, ranges);
          };
          int64_t chosen = none;
          if (middle) {
            if (meets(cut))
              chosen = cut;
          } else {
            // Cost and memory shrink as the right stage starts later: the
            // earliest start that meets the bound, by bisection.
            int64_t lo = cut + reserve, hi = b - 1;
            if (lo <= hi && meets(hi)) {
              while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (meets(mid))
                  hi = mid;
                else
                  lo = mid + 1;
              }
              chosen = lo;
            }
          }
          if (chosen == none)
            continue;
          if (next[cut] == none || chosen < next[cut]) {
            next[cut] = chosen;
            choice[k][cut] = {a, chosen};
          }
        }
      }
      frontier = std::move(next);
    }
    // The middle pair meets: left cut == right cut.
    int64_t meet = none;
    for (int64_t a = 0; a <= n; ++a)
      if (frontier[a] == a) {
        meet = a;
        break;
      }
    if (meet == none)
      return std::nullopt;
    std::vector<int64_t> sizes(stages);
    int64_t cut = meet, rightEnd = n;
    // Walk back from the middle to recover every pair's cuts.
    std::vector<std::pair<int64_t, int64_t>> cuts(
        pairs); // (left end, right start)
    for (int64_t k = pairs - 1; k >= 0; --k) {
      auto [from, start] = choice[k][cut];
      cuts[k] = {cut, start};
      cut = from;
    }
    int64_t leftBegin = 0;
    for (int64_t k = 0; k < pairs; ++k) {
      sizes[k] = cuts[k].first - leftBegin;
      leftBegin = cuts[k].first;
    }
    for (int64_t k = 0; k < pairs; ++k) {
      sizes[stages - 1 - k] = rightEnd - cuts[k].second;
      rightEnd = cuts[k].second;
    }
    return sizes;
  }

  const PartitionProblem &problem;
  bool checkMemory;
  mutable double stageBound = HUGE_VAL;
};
} // namespace

double dsc::partitionBottleneck(const PartitionProblem &problem,
                                llvm::ArrayRef<int64_t> stageSizes) {
  std::vector<PartRange> ranges;
  int64_t begin = 0;
  for (int64_t size : stageSizes) {
    ranges.push_back({begin, begin + size});
    begin += size;
  }
  int64_t stages = stageSizes.size();
  double worst = 0;
  for (int64_t s = 0; s < stages; ++s) {
    double rank = problem.stageCost(s, ranges[s]);
    if (problem.mirrored)
      rank += problem.stageCost(stages - 1 - s, ranges[stages - 1 - s]);
    worst = std::max(worst, rank);
  }
  return worst;
}

llvm::Expected<Partition>
dsc::partitionStages(const PartitionProblem &problem) {
  if (problem.numStages < 1 || problem.numParts < problem.numStages)
    return fail("cannot cut " + llvm::Twine(problem.numParts) + " parts into " +
                llvm::Twine(problem.numStages) +
                " non-empty stages; use a schedule or pp with at most " +
                llvm::Twine(problem.numParts) + " stages");
  if (problem.mirrored && problem.numStages % 2 != 0)
    return fail("mirrored stages need an even stage count, got " +
                llvm::Twine(problem.numStages));
  BoundedSearch search(problem, /*checkMemory=*/true);
  // Every part in one stage bounds the cost from above (doubled for a
  // pair); the search narrows to a relative 1e-6.
  double high = problem.stageCost(0, {0, problem.numParts}) *
                (problem.mirrored ? 2 : 1) * (1 + 1e-9);
  std::optional<std::vector<int64_t>> best = search.solve(high, HUGE_VAL);
  if (!best)
    return fail("no layout fits in memory");
  auto bisect =
      [&](double low, double high,
          llvm::function_ref<std::optional<std::vector<int64_t>>(double)>
              attempt) {
        for (int iteration = 0; iteration < 60 && high - low > 1e-6 * high;
             ++iteration) {
          double mid = (low + high) / 2;
          if (std::optional<std::vector<int64_t>> sizes = attempt(mid)) {
            best = std::move(sizes);
            high = mid;
          } else {
            low = mid;
          }
        }
        return high;
      };
  // The slowest rank first; then, among layouts as fast, the slowest stage
  // (a mirrored pair of one cheap and one dear stage stalls the pipeline).
  double rankBound = bisect(
      0, high, [&](double bound) { return search.solve(bound, HUGE_VAL); });
  if (problem.mirrored)
    bisect(0, rankBound, [&](double stageBound) {
      return search.solve(rankBound * (1 + 1e-9), stageBound);
    });
  Partition partition;
  partition.stageSizes = std::move(*best);
  partition.bottleneck = partitionBottleneck(problem, partition.stageSizes);
  return partition;
}
