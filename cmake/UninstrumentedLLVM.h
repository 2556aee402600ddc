//===- UninstrumentedLLVM.h - ASan over uninstrumented LLVM ---*- C++ -*-===//
//
// Force-included (-include) in every compiler translation unit of an ASan
// build. llvm/Support/Compiler.h turns on LLVM's ASan annotations when the
// *includer* is built with ASan: BumpPtrAllocator's inline slow path then
// poisons each new slab, expecting its fast path to unpoison what it hands
// out. Debian's LLVM/MLIR libraries are not instrumented, their inlined fast
// paths never unpoison, and the linker may pick our poisoning copy of the
// slow path for them: false use-after-poison reports in MLIR's own code.
// Poison nothing, as the libraries themselves do; ASan still checks every
// access of ours against real allocations.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_CMAKE_UNINSTRUMENTEDLLVM_H
#define DSC_CMAKE_UNINSTRUMENTEDLLVM_H

#include <sanitizer/asan_interface.h>

#include "llvm/Support/Compiler.h"

#define __asan_poison_memory_region(addr, size) ((void)(addr), (void)(size))

#endif // DSC_CMAKE_UNINSTRUMENTEDLLVM_H
