//===- Parallel.h - static work splitting over std::threads (private) -----===//
//
// parallelFor cuts [0, n) into contiguous pieces, one per thread, and runs
// fn(begin, end) on each. Callers only use it where every index's result is
// independent of the others, so the split never changes a result bit.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_PARALLEL_H
#define DSC_KERNELS_CPU_PARALLEL_H

#include "dsc/kernels/cpu/Threads.h"
#include <algorithm>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

namespace dsc::kernels::cpu {

/// `grain`: the fewest indices worth a thread of their own.
template <typename Fn>
void parallelFor(int64_t n, int64_t grain, const Fn &fn) {
  if (n <= 0)
    return;
  int64_t threads = std::min<int64_t>(
      numThreads(), (n + grain - 1) / std::max<int64_t>(grain, 1));
  if (threads <= 1) {
    fn(int64_t(0), n);
    return;
  }
  std::vector<std::exception_ptr> errors(threads);
  auto piece = [&](int64_t i) {
    int64_t begin = n * i / threads, end = n * (i + 1) / threads;
    try {
      fn(begin, end);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (int64_t i = 1; i < threads; ++i)
    workers.emplace_back(piece, i);
  piece(0);
  for (std::thread &worker : workers)
    worker.join();
  for (std::exception_ptr &error : errors)
    if (error)
      std::rethrow_exception(error);
}

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_PARALLEL_H
