//===- ArenaPlanner.cpp - place buffers in an arena by lifetime -----------===//

#include "dsc/Analysis/ArenaPlanner.h"
#include <algorithm>
#include <map>
#include <numeric>

using namespace dsc;

static int64_t alignUp(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

ArenaPlan dsc::planArena(llvm::ArrayRef<BufferLifetime> buffers,
                         int64_t alignment) {
  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest first; ties by earlier definition keep the result stable.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (buffers[a].bytes != buffers[b].bytes)
      return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first < buffers[b].first;
  });
  std::vector<size_t> placed;
  for (size_t index : order) {
    const BufferLifetime &buffer = buffers[index];
    // The placed buffers alive at the same time, by offset.
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t other : placed) {
      const BufferLifetime &o = buffers[other];
      if (o.first <= buffer.last && buffer.first <= o.last)
        busy.push_back({plan.offsets[other], plan.offsets[other] + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + buffer.bytes <= begin)
        break;
      offset = std::max(offset, alignUp(end, alignment));
    }
    plan.offsets[index] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + buffer.bytes);
    placed.push_back(index);
  }
  // Live bytes per instruction, by a sweep over lifetime events.
  std::map<int64_t, int64_t> delta;
  for (const BufferLifetime &buffer : buffers) {
    delta[buffer.first] += buffer.bytes;
    delta[buffer.last + 1] -= buffer.bytes;
  }
  int64_t live = 0;
  for (auto [instruction, change] : delta) {
    live += change;
    plan.peakLiveBytes = std::max(plan.peakLiveBytes, live);
  }
  return plan;
}
