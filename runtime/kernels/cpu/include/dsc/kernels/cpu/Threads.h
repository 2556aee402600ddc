//===- Threads.h - the CPU kernels' own thread count ------------*- C++ -*-===//
//
// Kernels that pay for it (row-wise loss, norm and routing kernels on large
// inputs) split work over numThreads() std::threads. OpenBLAS threads each
// GEMM itself (OPENBLAS_NUM_THREADS, setBlasNumThreads). Attention, whose
// (sequence, head) tasks each run GEMMs, uses its own threads only while
// OpenBLAS is single-threaded: threaded GEMMs issued from several threads at
// once oversubscribe the cores (measured 8x slower on 2 cores). Work is split
// into fixed pieces whose results do not depend on which thread ran them, so
// outputs are bit-identical for any numThreads().
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_THREADS_H
#define DSC_KERNELS_CPU_THREADS_H

namespace dsc::kernels::cpu {

/// Threads the kernels may use; n <= 0 restores the default (the hardware's
/// concurrency).
void setNumThreads(int n);
int numThreads();

/// OpenBLAS's thread count for one GEMM (process-wide).
void setBlasNumThreads(int n);
int blasNumThreads();

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_THREADS_H
