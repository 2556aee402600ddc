//===- LearningRate.h - the plan's learning-rate schedule -------*- C++ -*-===//
//
// Plan.fbs: "linear warmup from 0 to lr over warmup_steps, then `schedule`
// from lr to min_lr over decay_steps". With the optimizer step s counted
// from 1 (the step being taken):
//   s <= warmup_steps:  lr * s / warmup_steps       (reaches lr at the end)
//   after warmup, u = min(s - warmup_steps, decay_steps) / decay_steps:
//     constant  lr
//     linear    lr + (min_lr - lr) * u
//     cosine    min_lr + (lr - min_lr) * (1 + cos(pi * u)) / 2
// so min_lr is reached after warmup_steps + decay_steps steps and held.
// decay_steps = 0 means no decay: the rate stays at lr after the warmup.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_LEARNINGRATE_H
#define DSC_EXEC_LEARNINGRATE_H

#include "dsc/plan/Plan.h"

#include <cstdint>

namespace dsc::exec {

/// The learning rate of optimizer step `step` (>= 1).
double learningRate(const plan::Optimizer &optimizer, int64_t step);

} // namespace dsc::exec

#endif // DSC_EXEC_LEARNINGRATE_H
