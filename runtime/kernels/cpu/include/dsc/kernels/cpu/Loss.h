//===- Loss.h - cross-entropy -----------------------------------*- C++ -*-===//

#ifndef DSC_KERNELS_CPU_LOSS_H
#define DSC_KERNELS_CPU_LOSS_H

#include <cstdint>

namespace dsc::kernels::cpu {

/// Labels equal to this are not counted (PyTorch's ignore_index).
inline constexpr int32_t kIgnoreLabel = -100;

/// loss = weight * mean over counted tokens of -log softmax(logits[t])[label]
/// for logits [T, V], labels [T] (kIgnoreLabel or in [0, V)); 0 when no token
/// counts. `weight` carries the loss's share (MTP's lambda / D).
/// Returns the number of counted tokens.
int64_t crossEntropyForward(const float *logits, const int32_t *labels,
                            float *loss, int64_t tokens, int64_t vocab,
                            float weight);
/// dlogits [T, V] (written) of that loss: weight / count * (softmax - onehot)
/// on counted rows, 0 on ignored ones.
void crossEntropyBackward(const float *logits, const int32_t *labels,
                          float *dlogits, int64_t tokens, int64_t vocab,
                          float weight);

} // namespace dsc::kernels::cpu

#endif // DSC_KERNELS_CPU_LOSS_H
