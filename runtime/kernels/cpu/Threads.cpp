//===- Threads.cpp - the CPU kernels' thread count ------------------------===//

#include "dsc/kernels/cpu/Threads.h"
#include "Blas.h"
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

void setBlasNumThreads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

int blasNumThreads() { return openblas_get_num_threads(); }

} // namespace dsc::kernels::cpu
