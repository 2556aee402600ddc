//===- Threads.cpp - the CPU kernels' thread count ------------------------===//

#include "dsc/kernels/cpu/Threads.h"
#include <algorithm>
#include <atomic>
#include <thread>

namespace dsc::kernels::cpu {

static int defaultThreads() {
  return std::max(1u, std::thread::hardware_concurrency());
}

static std::atomic<int> configuredThreads{0};

void setNumThreads(int n) { configuredThreads = n > 0 ? n : 0; }

int numThreads() {
  int n = configuredThreads;
  return n > 0 ? n : defaultThreads();
}

} // namespace dsc::kernels::cpu
