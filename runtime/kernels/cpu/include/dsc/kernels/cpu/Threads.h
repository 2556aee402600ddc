//===- Threads.h - the CPU kernels' own thread count -------------*- C++
//-*-===//
//
// Kernels that pay for it (attention over sequences x heads, row-wise loss
// and norm kernels on large inputs) split work over this many std::threads.
// OpenBLAS threads its GEMMs itself (OPENBLAS_NUM_THREADS). Work is split
// into fixed pieces whose results do not depend on which thread ran them, so
// outputs are bit-identical for any thread count.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_KERNELS_CPU_THREADS_H
#define DSC_KERNELS_CPU_THREADS_H

namespace dsc::kernels::cpu {

/// Threads the kernels may use; n <= 0 restores the default (the hardware's
/// concurrency).
void setNumThreads(int n);
int numThreads();

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_THREADS_H
