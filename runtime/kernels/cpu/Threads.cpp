//===- Threads.cpp - the CPU kernels' thread count ------------------------===//

#include "dsc/kernels/cpu/Threads.h"
#include "Blas.h"
#include <algorithm>
#include <atomic>
#include <sys/mman.h>
#include <sys/resource.h>
#include <thread>
#include <vector>

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

int hardwareThreads() { return defaultThreads(); }

size_t blasThreadBytes() {
  // OpenBLAS 0.3's x86-64 BUFFER_SIZE (32 << 22), measured 136 MiB of
  // address space per added thread with the default 8 MiB stack.
  constexpr size_t kBuffer = size_t(32) << 22;
  constexpr size_t kDefaultStack = size_t(8) << 20;
  struct rlimit stack;
  size_t stackBytes = kDefaultStack;
  if (getrlimit(RLIMIT_STACK, &stack) == 0 && stack.rlim_cur != RLIM_INFINITY)
    stackBytes = size_t(stack.rlim_cur);
  return kBuffer + stackBytes;
}

/// Whether `bytes` more address space can be mapped now.
static bool canMap(size_t bytes) {
  // PROT_NONE and MAP_NORESERVE: nothing is committed, but RLIMIT_AS
  // counts the range, as it counts OpenBLAS's own mappings.
  void *p = mmap(nullptr, bytes, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return false;
  munmap(p, bytes);
  return true;
}

int blasThreadsThatFit(int upTo) {
  struct rlimit as;
  if (upTo <= 0 || getrlimit(RLIMIT_AS, &as) != 0 ||
      as.rlim_cur == RLIM_INFINITY)
    return std::max(upTo, 0);
  size_t each = blasThreadBytes();
  if (canMap(size_t(upTo) * each))
    return upTo;
  int lo = 0, hi = upTo; // lo fits, hi does not
  while (hi - lo > 1) {
    int mid = lo + (hi - lo) / 2;
    (canMap(size_t(mid) * each) ? lo : hi) = mid;
  }
  return lo;
}

} // namespace dsc::kernels::cpu

namespace dsc::kernels::cpu {

void claimBlasBuffers() {
  constexpr int64_t n = 256; // above OpenBLAS's threading threshold
  std::vector<float> a(n * n, 1.0f), c(n * n);
  gemm(false, false, n, n, n, 1.0f, a.data(), n, a.data(), n, 0.0f, c.data(),
       n);
}

} // namespace dsc::kernels::cpu
