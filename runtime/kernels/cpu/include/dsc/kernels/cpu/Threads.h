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

#include <cstddef>

namespace dsc::kernels::cpu {

/// Threads the kernels may use; n <= 0 restores the default (the hardware's
/// concurrency).
void setNumThreads(int n);
int numThreads();

/// OpenBLAS's thread count for one GEMM (process-wide).
void setBlasNumThreads(int n);
int blasNumThreads();

/// The machine's cores (hardware concurrency, at least 1): the default.
int hardwareThreads();

/// Address space one OpenBLAS thread takes: its GEMM buffer (BUFFER_SIZE,
/// 128 MiB on x86-64) and its stack.
size_t blasThreadBytes();
/// How many OpenBLAS threads (the calling thread's buffer included) fit
/// in the address space the process may still map (ulimit -v), probed
/// with reservations that are released again. OpenBLAS retries a failed
/// buffer allocation forever, so asking setBlasNumThreads for more would
/// hang. `upTo` without a limit; never more than `upTo`.
int blasThreadsThatFit(int upTo);
/// Runs one GEMM large enough to engage every OpenBLAS thread, so each
/// (the caller too) maps its buffer now, while blasThreadsThatFit says
/// there is room, rather than at the first GEMM of a step, after the run's
/// own allocations may have taken that room.
void claimBlasBuffers();

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_THREADS_H
