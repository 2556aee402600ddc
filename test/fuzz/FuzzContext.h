//===- FuzzContext.h - the compiler fuzz targets' MLIR context -*- C++ -*-===//
//
// One context per process with the dialects dsc-opt registers, single
// threaded (one input at a time) and with diagnostics discarded: a fuzz
// target looks for crashes, not for the messages bad input rightly gets.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_TEST_FUZZ_FUZZCONTEXT_H
#define DSC_TEST_FUZZ_FUZZCONTEXT_H

#include "dsc/IR/DscDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringRef.h"
#include <cstdint>

namespace dsc::fuzz {

inline mlir::MLIRContext &context() {
  static mlir::MLIRContext *context = [] {
    mlir::DialectRegistry registry;
    registry.insert<DscDialect, mlir::func::FuncDialect>();
    auto *created = new mlir::MLIRContext(registry);
    created->disableMultithreading();
    created->loadAllAvailableDialects();
    created->getDiagEngine().registerHandler(
        [](mlir::Diagnostic &) { return mlir::success(); });
    return created;
  }();
  return *context;
}

inline llvm::StringRef text(const uint8_t *data, size_t size) {
  return llvm::StringRef(reinterpret_cast<const char *>(data), size);
}

} // namespace dsc::fuzz

#endif // DSC_TEST_FUZZ_FUZZCONTEXT_H
