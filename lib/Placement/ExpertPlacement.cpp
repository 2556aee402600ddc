//===- ExpertPlacement.cpp - redundant experts on GPUs --------------------===//
//
// Replicate by largest load per replica; pack replicas by descending load
// onto the lightest GPU that has a free slot and no replica of the same
// expert; then improve with swaps between the heaviest GPU and the others.
// The public greedy (which may put two replicas of one expert on a GPU) is
// run too and, when valid and better, refined and kept instead, so the
// result is never worse than it.
//
//===----------------------------------------------------------------------===//

#include "dsc/Placement/ExpertPlacement.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <numeric>
#include <queue>

using namespace dsc;

namespace {

/// Replicas packed on GPUs: which experts each GPU holds, and its load.
struct Packing {
  int64_t slotsPerGPU = 0;
  std::vector<std::vector<int64_t>> experts;
  std::vector<double> load;

  Packing(int64_t numGPUs, int64_t slotsPerGPU)
      : slotsPerGPU(slotsPerGPU), experts(numGPUs), load(numGPUs, 0) {}

  int64_t numGPUs() const { return experts.size(); }
  bool holds(int64_t gpu, int64_t expert) const {
    return llvm::is_contained(experts[gpu], expert);
  }
  bool full(int64_t gpu) const {
    return static_cast<int64_t>(experts[gpu].size()) == slotsPerGPU;
  }
  double maxLoad() const { return *std::max_element(load.begin(), load.end()); }
};

/// Load of one replica of each expert.
std::vector<double> replicaWeights(llvm::ArrayRef<double> loads,
                                   llvm::ArrayRef<int64_t> counts) {
  std::vector<double> weights(loads.size());
  for (size_t e = 0; e < loads.size(); ++e)
    weights[e] = loads[e] / counts[e];
  return weights;
}

/// Replica counts: one each, then `extra` more, each to the expert with the
/// largest load per replica that has fewer than `maxReplicas`.
std::vector<int64_t> replicate(llvm::ArrayRef<double> loads, int64_t extra,
                               int64_t maxReplicas) {
  std::vector<int64_t> counts(loads.size(), 1);
  // Largest load per replica first; ties to the lower expert index.
  using Entry = std::pair<double, int64_t>; // load per replica, -expert
  std::priority_queue<Entry> heap;
  for (size_t e = 0; e < loads.size(); ++e)
    heap.push({loads[e], -static_cast<int64_t>(e)});
  while (extra > 0 && !heap.empty()) {
    int64_t e = -heap.top().second;
    heap.pop();
    if (counts[e] >= maxReplicas)
      continue;
    ++counts[e];
    --extra;
    heap.push({loads[e] / counts[e], -e});
  }
  return counts;
}

/// Replicas by descending load (ties by expert, for determinism).
std::vector<int64_t> replicasByLoad(llvm::ArrayRef<int64_t> counts,
                                    llvm::ArrayRef<double> weights) {
  std::vector<int64_t> items;
  for (size_t e = 0; e < counts.size(); ++e)
    items.insert(items.end(), counts[e], e);
  std::sort(items.begin(), items.end(), [&](int64_t a, int64_t b) {
    return weights[a] != weights[b] ? weights[a] > weights[b] : a < b;
  });
  return items;
}

/// Greedy packing; with `distinct`, never two replicas of an expert on one
/// GPU. Returns false if `distinct` cannot be kept.
bool pack(Packing &packing, llvm::ArrayRef<int64_t> items,
          llvm::ArrayRef<double> weights, bool distinct) {
  for (int64_t e : items) {
    int64_t best = -1;
    for (int64_t g = 0; g < packing.numGPUs(); ++g)
      if (!packing.full(g) && (!distinct || !packing.holds(g, e)) &&
          (best < 0 || packing.load[g] < packing.load[best]))
        best = g;
    if (best < 0) {
      // Every GPU with room holds e already: make room elsewhere by moving
      // an expert x from a GPU h without e to the lightest GPU g with room.
      int64_t g = -1;
      for (int64_t i = 0; i < packing.numGPUs(); ++i)
        if (!packing.full(i) && (g < 0 || packing.load[i] < packing.load[g]))
          g = i;
      bool repaired = false;
      for (int64_t h = 0; h < packing.numGPUs() && !repaired; ++h) {
        if (h == g || packing.holds(h, e))
          continue;
        for (int64_t &x : packing.experts[h]) {
          if (packing.holds(g, x))
            continue;
          packing.experts[g].push_back(x);
          packing.load[g] += weights[x];
          packing.load[h] -= weights[x];
          x = e;
          packing.load[h] += weights[e];
          repaired = true;
          break;
        }
      }
      if (!repaired)
        return false;
      continue;
    }
    packing.experts[best].push_back(e);
    packing.load[best] += weights[e];
  }
  return true;
}

/// Swaps replicas between the heaviest GPU and the others while that lowers
/// the heaviest load, keeping replicas of one expert on distinct GPUs.
/// Stops early once the largest load is at most `goal`.
void refine(Packing &packing, llvm::ArrayRef<double> weights, double goal = 0) {
  const double eps = 1e-12;
  // A swap search costs GPUs x slots^2 pair checks; a budget of pair checks
  // bounds the time on huge problems (thousands of GPUs with dozens of
  // slots) and never binds at real sizes (V3: 64 GPUs, ~5 slots each).
  constexpr int64_t kPairBudget = int64_t(1) << 28;
  int64_t searchCost = std::max<int64_t>(
      1, packing.numGPUs() * packing.slotsPerGPU * packing.slotsPerGPU);
  int64_t limit =
      std::min<int64_t>(8 * packing.numGPUs() + 64,
                        std::max<int64_t>(1, kPairBudget / searchCost));
  for (int64_t iteration = 0; iteration < limit; ++iteration) {
    int64_t heavy = std::max_element(packing.load.begin(), packing.load.end()) -
                    packing.load.begin();
    double top = packing.load[heavy];
    if (top <= goal)
      return;
    // The best swap: lowest resulting max(heavy, other).
    double bestPeak = top - eps;
    int64_t bestOther = -1, bestA = -1, bestB = -1;
    for (int64_t other = 0; other < packing.numGPUs(); ++other) {
      if (other == heavy)
        continue;
      for (size_t a = 0; a < packing.experts[heavy].size(); ++a) {
        int64_t ea = packing.experts[heavy][a];
        if (packing.holds(other, ea))
          continue;
        for (size_t b = 0; b < packing.experts[other].size(); ++b) {
          int64_t eb = packing.experts[other][b];
          double delta = weights[ea] - weights[eb];
          if (delta <= eps || packing.holds(heavy, eb))
            continue;
          double peak = std::max(top - delta, packing.load[other] + delta);
          if (peak < bestPeak) {
            bestPeak = peak;
            bestOther = other;
            bestA = a;
            bestB = b;
          }
        }
      }
    }
    if (bestOther < 0)
      return;
    int64_t &ea = packing.experts[heavy][bestA];
    int64_t &eb = packing.experts[bestOther][bestB];
    double delta = weights[ea] - weights[eb];
    std::swap(ea, eb);
    packing.load[heavy] -= delta;
    packing.load[bestOther] += delta;
  }
}

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Error validate(const PlacementProblem &p) {
  int64_t experts = p.loads.size();
  if (experts == 0)
    return fail("no expert loads given");
  for (auto [e, load] : llvm::enumerate(p.loads))
    if (!(load >= 0))
      return fail("expert " + llvm::Twine(e) + " has a negative load (" +
                  llvm::formatv("{0}", llvm::format("%g", load)).str() +
                  "); loads are token counts");
  if (p.numGPUs <= 0 || p.numNodes <= 0 || p.numGroups <= 0)
    return fail("GPUs, nodes and groups must be positive");
  // Packing and refinement scan GPUs x slots per replica; the bounds keep a
  // placement under a second and its tables small, far above any expert-
  // parallel group in use (DeepSeek-V3 decodes on 320 GPUs).
  if (p.numGPUs > PlacementProblem::kMaxGPUs)
    return fail("an expert-parallel group has at most " +
                llvm::Twine(PlacementProblem::kMaxGPUs) + " GPUs, got " +
                llvm::Twine(p.numGPUs));
  if (p.numSlots > PlacementProblem::kMaxSlots)
    return fail("a layer has at most " +
                llvm::Twine(PlacementProblem::kMaxSlots) +
                " expert slots, got " + llvm::Twine(p.numSlots));
  if (p.numSlots > p.numGPUs * PlacementProblem::kMaxSlotsPerGPU)
    return fail(llvm::Twine(p.numSlots) + " slots on " +
                llvm::Twine(p.numGPUs) + " GPUs exceed " +
                llvm::Twine(PlacementProblem::kMaxSlotsPerGPU) +
                " slots per GPU; use fewer redundant experts");
  if (p.numGPUs % p.numNodes != 0)
    return fail(llvm::Twine(p.numGPUs) + " GPUs do not divide over " +
                llvm::Twine(p.numNodes) + " nodes");
  if (p.numSlots < experts)
    return fail(llvm::Twine(p.numSlots) + " slots cannot hold " +
                llvm::Twine(experts) +
                " experts; use at least as many slots as experts");
  if (p.numSlots % p.numGPUs != 0)
    return fail("the expert-parallel size (" + llvm::Twine(p.numGPUs) +
                " GPUs) must divide the " + llvm::Twine(p.numSlots) +
                " slots so every GPU gets the same number");
  if (experts % p.numGroups != 0)
    return fail(llvm::Twine(p.numGroups) + " groups do not divide the " +
                llvm::Twine(experts) + " experts");
  if (p.previous) {
    if (static_cast<int64_t>(p.previous->size()) != p.numSlots)
      return fail("the previous placement has " +
                  llvm::Twine(p.previous->size()) + " slots, not " +
                  llvm::Twine(p.numSlots));
    for (int64_t e : *p.previous)
      if (e < 0 || e >= experts)
        return fail("the previous placement names expert " + llvm::Twine(e) +
                    ", outside 0.." + llvm::Twine(experts - 1));
  }
  return llvm::Error::success();
}

PlacementPolicy resolve(const PlacementProblem &p) {
  bool groupsFit = p.numGroups % p.numNodes == 0 &&
                   p.numSlots % p.numNodes == 0 && p.numNodes > 1;
  if (p.policy == PlacementPolicy::Auto)
    return groupsFit ? PlacementPolicy::Hierarchical : PlacementPolicy::Global;
  return p.policy;
}

/// Places `experts` (indices into the problem's loads) with `slots` slots on
/// GPUs [firstGPU, firstGPU + gpus), writing `physicalToLogical`.
llvm::Error placeDomain(const PlacementProblem &p,
                        llvm::ArrayRef<int64_t> experts, int64_t slots,
                        int64_t firstGPU, int64_t gpus, bool distinct,
                        std::vector<int64_t> &physicalToLogical) {
  std::vector<double> loads;
  for (int64_t e : experts)
    loads.push_back(p.loads[e]);
  int64_t extra = slots - static_cast<int64_t>(experts.size());
  std::vector<int64_t> counts =
      replicate(loads, extra, distinct ? gpus : slots);
  if (std::accumulate(counts.begin(), counts.end(), int64_t(0)) != slots)
    return fail("cannot fill " + llvm::Twine(slots) + " slots on " +
                llvm::Twine(gpus) +
                " GPUs without two replicas of an expert "
                "on one GPU; use fewer redundant slots or more GPUs");
  std::vector<double> weights = replicaWeights(loads, counts);
  std::vector<int64_t> items = replicasByLoad(counts, weights);
  int64_t slotsPerGPU = slots / gpus;

  Packing best(gpus, slotsPerGPU);
  if (distinct) {
    if (!pack(best, items, weights, /*distinct=*/true))
      return fail("cannot keep the replicas of every expert on distinct "
                  "GPUs; use fewer redundant slots or more GPUs");
    refine(best, weights);
    // The public greedy, refined, when it happens to be valid and better.
    Packing greedy(gpus, slotsPerGPU);
    pack(greedy, items, weights, /*distinct=*/false);
    bool valid = true;
    for (const std::vector<int64_t> &held : greedy.experts)
      for (size_t i = 0; i < held.size() && valid; ++i)
        valid = !llvm::is_contained(llvm::ArrayRef(held).drop_front(i + 1),
                                    held[i]);
    if (valid) {
      refine(greedy, weights);
      if (greedy.maxLoad() < best.maxLoad())
        best = greedy;
    }
  } else {
    pack(best, items, weights, /*distinct=*/false);
  }
  for (int64_t g = 0; g < gpus; ++g)
    for (int64_t s = 0; s < slotsPerGPU; ++s)
      physicalToLogical[(firstGPU + g) * slotsPerGPU + s] =
          experts[best.experts[g][s]];
  return llvm::Error::success();
}

/// Groups onto nodes (balanced by group load), then each node's experts
/// onto its GPUs.
llvm::Error placeHierarchical(const PlacementProblem &p, bool distinct,
                              bool refineNodes,
                              std::vector<int64_t> &physicalToLogical) {
  int64_t experts = p.loads.size();
  int64_t groupSize = experts / p.numGroups;
  if (p.numGroups % p.numNodes != 0 || p.numSlots % p.numNodes != 0)
    return fail("hierarchical placement needs the " + llvm::Twine(p.numGroups) +
                " groups and " + llvm::Twine(p.numSlots) +
                " slots to divide over " + llvm::Twine(p.numNodes) +
                " nodes; use policy global");
  std::vector<double> groupLoads(p.numGroups, 0);
  for (int64_t e = 0; e < experts; ++e)
    groupLoads[e / groupSize] += p.loads[e];
  Packing nodes(p.numNodes, p.numGroups / p.numNodes);
  std::vector<int64_t> ones(p.numGroups, 1);
  pack(nodes, replicasByLoad(ones, groupLoads), groupLoads,
       /*distinct=*/true);
  if (refineNodes)
    refine(nodes, groupLoads);

  int64_t gpusPerNode = p.numGPUs / p.numNodes;
  int64_t slotsPerNode = p.numSlots / p.numNodes;
  for (int64_t n = 0; n < p.numNodes; ++n) {
    std::vector<int64_t> nodeExperts;
    std::vector<int64_t> groups = nodes.experts[n];
    llvm::sort(groups);
    for (int64_t group : groups)
      for (int64_t i = 0; i < groupSize; ++i)
        nodeExperts.push_back(group * groupSize + i);
    if (llvm::Error error =
            placeDomain(p, nodeExperts, slotsPerNode, n * gpusPerNode,
                        gpusPerNode, distinct, physicalToLogical))
      return error;
  }
  return llvm::Error::success();
}

/// Orders each GPU's slots so experts it held before keep their slot, and
/// counts the slots that change.
int64_t alignToPrevious(std::vector<int64_t> &physicalToLogical,
                        llvm::ArrayRef<int64_t> previous, int64_t numGPUs) {
  int64_t slotsPerGPU = physicalToLogical.size() / numGPUs;
  int64_t moved = 0;
  for (int64_t g = 0; g < numGPUs; ++g) {
    auto begin = physicalToLogical.begin() + g * slotsPerGPU;
    std::vector<int64_t> remaining(begin, begin + slotsPerGPU);
    std::vector<int64_t> aligned(slotsPerGPU, -1);
    for (int64_t s = 0; s < slotsPerGPU; ++s) {
      auto it = llvm::find(remaining, previous[g * slotsPerGPU + s]);
      if (it != remaining.end()) {
        aligned[s] = *it;
        remaining.erase(it);
      }
    }
    for (int64_t s = 0, next = 0; s < slotsPerGPU; ++s)
      if (aligned[s] < 0) {
        aligned[s] = remaining[next++];
        ++moved;
      }
    std::copy(aligned.begin(), aligned.end(), begin);
  }
  return moved;
}

/// The previous placement changed only as much as the new replica counts
/// require, then refined until within the tolerance of `best`; nullopt when
/// it cannot get there.
std::optional<std::vector<int64_t>> keepPrevious(const PlacementProblem &p,
                                                 const Placement &best,
                                                 PlacementPolicy policy) {
  int64_t slotsPerGPU = p.numSlots / p.numGPUs;
  int64_t gpusPerNode = p.numGPUs / p.numNodes;
  int64_t groupSize = p.loads.size() / p.numGroups;
  const std::vector<int64_t> &target = best.replicaCounts;
  std::vector<double> weights = replicaWeights(p.loads, target);
  Packing packing(p.numGPUs, slotsPerGPU);
  std::vector<int64_t> counts(p.loads.size(), 0);
  for (int64_t slot = 0; slot < p.numSlots; ++slot) {
    int64_t e = (*p.previous)[slot];
    packing.experts[slot / slotsPerGPU].push_back(e);
    packing.load[slot / slotsPerGPU] += weights[e];
    ++counts[e];
  }
  // Drop surplus replicas from the heaviest GPUs holding them.
  for (size_t e = 0; e < counts.size(); ++e)
    while (counts[e] > target[e]) {
      int64_t heaviest = -1;
      for (int64_t g = 0; g < p.numGPUs; ++g)
        if (packing.holds(g, e) &&
            (heaviest < 0 || packing.load[g] > packing.load[heaviest]))
          heaviest = g;
      auto &held = packing.experts[heaviest];
      held.erase(llvm::find(held, int64_t(e)));
      packing.load[heaviest] -= weights[e];
      --counts[e];
    }
  // Add missing replicas on the lightest GPUs with room, on the node of the
  // expert's group under the hierarchical policy.
  std::vector<int64_t> groupNode(p.numGroups, -1);
  for (int64_t slot = 0; slot < p.numSlots; ++slot)
    groupNode[(*p.previous)[slot] / groupSize] =
        slot / slotsPerGPU / gpusPerNode;
  for (size_t e = 0; e < counts.size(); ++e)
    while (counts[e] < target[e]) {
      int64_t lightest = -1;
      for (int64_t g = 0; g < p.numGPUs; ++g) {
        bool onNode = policy != PlacementPolicy::Hierarchical ||
                      g / gpusPerNode == groupNode[e / groupSize];
        if (onNode && !packing.full(g) && !packing.holds(g, e) &&
            (lightest < 0 || packing.load[g] < packing.load[lightest]))
          lightest = g;
      }
      if (lightest < 0)
        return std::nullopt;
      packing.experts[lightest].push_back(e);
      packing.load[lightest] += weights[e];
      ++counts[e];
    }
  double goal = *std::max_element(best.gpuLoads.begin(), best.gpuLoads.end()) *
                (1 + p.migrationTolerance);
  if (policy != PlacementPolicy::Hierarchical)
    refine(packing, weights, goal);
  if (packing.maxLoad() > goal)
    return std::nullopt;
  std::vector<int64_t> physicalToLogical;
  for (const std::vector<int64_t> &held : packing.experts)
    physicalToLogical.insert(physicalToLogical.end(), held.begin(), held.end());
  return physicalToLogical;
}

/// One placement under `policy`; with `refineNodes` the hierarchical
/// policy also balances the groups' node assignment by swaps.
llvm::Expected<Placement> placeOnce(const PlacementProblem &p,
                                    PlacementPolicy policy, bool distinct,
                                    bool refineNodes) {
  std::vector<int64_t> physicalToLogical(p.numSlots, -1);
  std::vector<int64_t> all(p.loads.size());
  std::iota(all.begin(), all.end(), 0);
  llvm::Error error =
      policy == PlacementPolicy::Hierarchical
          ? placeHierarchical(p, distinct, refineNodes, physicalToLogical)
          : placeDomain(p, all, p.numSlots, 0, p.numGPUs, distinct,
                        physicalToLogical);
  if (error)
    return std::move(error);
  Placement placement =
      evaluatePlacement(p.loads, std::move(physicalToLogical), p.numGPUs);
  placement.policy = policy;
  return placement;
}

bool hasDuplicateReplicas(const Placement &placement, int64_t numGPUs) {
  int64_t slotsPerGPU = placement.physicalToLogical.size() / numGPUs;
  for (int64_t g = 0; g < numGPUs; ++g) {
    llvm::ArrayRef<int64_t> held(
        placement.physicalToLogical.data() + g * slotsPerGPU, slotsPerGPU);
    for (size_t i = 0; i < held.size(); ++i)
      if (llvm::is_contained(held.drop_front(i + 1), held[i]))
        return true;
  }
  return false;
}

double peakLoad(const Placement &placement) {
  return *std::max_element(placement.gpuLoads.begin(),
                           placement.gpuLoads.end());
}

llvm::Expected<Placement> placeWith(const PlacementProblem &p, bool distinct) {
  if (llvm::Error error = validate(p))
    return std::move(error);
  PlacementPolicy policy = resolve(p);
  if (!distinct)
    return placeOnce(p, policy, /*distinct=*/false, /*refineNodes=*/false);

  llvm::Expected<Placement> best =
      placeOnce(p, policy, /*distinct=*/true, /*refineNodes=*/true);
  if (!best)
    return best.takeError();
  Placement placement = std::move(*best);
  // Other starting points: the greedy node assignment, and the public
  // greedy itself when it keeps replicas distinct. The best wins, so the
  // result is never worse than the greedy.
  std::vector<Placement> candidates;
  if (policy == PlacementPolicy::Hierarchical) {
    if (llvm::Expected<Placement> other =
            placeOnce(p, policy, /*distinct=*/true, /*refineNodes=*/false))
      candidates.push_back(std::move(*other));
    else
      llvm::consumeError(other.takeError());
  }
  if (llvm::Expected<Placement> greedy =
          placeOnce(p, policy, /*distinct=*/false, /*refineNodes=*/false)) {
    if (!hasDuplicateReplicas(*greedy, p.numGPUs))
      candidates.push_back(std::move(*greedy));
  } else {
    llvm::consumeError(greedy.takeError());
  }
  for (Placement &candidate : candidates)
    if (peakLoad(candidate) < peakLoad(placement))
      placement = std::move(candidate);
  if (!p.previous || !distinct)
    return placement;

  // Prefer moving few experts when the balance stays within the tolerance.
  std::vector<int64_t> chosen = placement.physicalToLogical;
  if (std::optional<std::vector<int64_t>> kept =
          keepPrevious(p, placement, policy))
    chosen = std::move(*kept);
  int64_t moved = alignToPrevious(chosen, *p.previous, p.numGPUs);
  placement = evaluatePlacement(p.loads, std::move(chosen), p.numGPUs);
  placement.policy = policy;
  placement.movedExperts = moved;
  return placement;
}

} // namespace

Placement dsc::evaluatePlacement(llvm::ArrayRef<double> loads,
                                 std::vector<int64_t> physicalToLogical,
                                 int64_t numGPUs) {
  Placement placement;
  placement.replicaCounts.assign(loads.size(), 0);
  for (int64_t e : physicalToLogical)
    ++placement.replicaCounts[e];
  // A second replica of an expert on the same GPU adds memory and no
  // balance: the router splits an expert's tokens over the GPUs holding it.
  placement.gpuLoads.assign(numGPUs, 0);
  int64_t slotsPerGPU = physicalToLogical.size() / numGPUs;
  std::vector<std::vector<int64_t>> held(numGPUs);
  std::vector<int64_t> gpusHolding(loads.size(), 0);
  for (size_t slot = 0; slot < physicalToLogical.size(); ++slot) {
    int64_t e = physicalToLogical[slot];
    std::vector<int64_t> &onGPU = held[slot / slotsPerGPU];
    if (!llvm::is_contained(onGPU, e)) {
      onGPU.push_back(e);
      ++gpusHolding[e];
    }
  }
  for (int64_t g = 0; g < numGPUs; ++g)
    for (int64_t e : held[g])
      placement.gpuLoads[g] += loads[e] / gpusHolding[e];
  double total = std::accumulate(placement.gpuLoads.begin(),
                                 placement.gpuLoads.end(), 0.0);
  double peak =
      *std::max_element(placement.gpuLoads.begin(), placement.gpuLoads.end());
  placement.imbalance = total > 0 ? peak / (total / numGPUs) : 1.0;
  placement.physicalToLogical = std::move(physicalToLogical);
  return placement;
}

llvm::Expected<Placement>
dsc::placeExpertsGreedy(const PlacementProblem &problem) {
  return placeWith(problem, /*distinct=*/false);
}

llvm::Expected<Placement> dsc::placeExperts(const PlacementProblem &problem) {
  return placeWith(problem, /*distinct=*/true);
}
