//===- Weights.h - parameters from a safetensors file -----------*- C++ -*-===//
//
// `dsc-run --weights FILE.safetensors`: every parameter the rank holds is
// read by its checkpoint tensor names (ParameterTensors.h; HuggingFace's
// names, which the compiler's parameters carry). F32, BF16 and F16 convert
// to FP32; F8_E4M3 tensors are dequantized with their `<name>_scale_inv`
// companions (DeepSeek-V3's 128 x 128 block scales), all through dsc_io.
// Tensors of the file the plan does not use are ignored (a rank of a
// pipeline holds a few layers of a whole checkpoint).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_WEIGHTS_H
#define DSC_EXEC_WEIGHTS_H

#include "dsc/exec/Buffers.h"
#include "dsc/plan/Plan.h"

#include <string>

namespace dsc::exec {

/// Loads the rank's parameters (and master weights) from `path`. Throws
/// ExecError listing every missing tensor (with the expected shape) and
/// every shape mismatch (with both shapes), one per line.
void loadWeights(const std::string &path, const plan::Plan &plan,
                 const plan::Rank &rank, BufferSet &buffers);

} // namespace dsc::exec

#endif // DSC_EXEC_WEIGHTS_H
