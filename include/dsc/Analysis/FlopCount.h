//===- FlopCount.h - FLOPs per token of a dsc.model -------------*- C++ -*-===//
//
// Floating-point operations per token, forward and backward: the matmuls of
// every projection a token activates, the router, and causal attention at a
// given sequence length. Norms, activations and the loss are elementwise and
// not counted. An MLIR analysis over a `dsc.model`.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_ANALYSIS_FLOPCOUNT_H
#define DSC_ANALYSIS_FLOPCOUNT_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>

namespace dsc {

/// FLOPs of one token, averaged over the positions of a causal sequence.
struct TokenFlops {
  double forward = 0;
  /// Input and weight gradients: twice the forward matmuls.
  double backward = 0;

  TokenFlops &operator+=(const TokenFlops &other) {
    forward += other.forward;
    backward += other.backward;
    return *this;
  }
};

/// FLOPs per token of one model-level op (zero for ops without matmuls).
TokenFlops computeOpFlops(mlir::Operation *op, int64_t sequenceLength);

class FlopCountAnalysis {
public:
  /// `model` must be a verified `dsc.model`.
  FlopCountAnalysis(mlir::Operation *model, int64_t sequenceLength);

  /// The main model: embedding, blocks, final norm and head.
  const TokenFlops &mainModel() const { return main; }
  /// The MTP modules with their (shared) output head.
  const TokenFlops &mtpModules() const { return mtp; }
  /// Per decoder block, main model first, then the MTP blocks.
  llvm::ArrayRef<TokenFlops> layers() const { return perLayer; }

private:
  TokenFlops main, mtp;
  llvm::SmallVector<TokenFlops> perLayer;
};

} // namespace dsc

#endif // DSC_ANALYSIS_FLOPCOUNT_H
