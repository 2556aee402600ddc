//===- LearningRate.cpp - the plan's learning-rate schedule ---------------===//

#include "dsc/exec/LearningRate.h"

#include <algorithm>
#include <cmath>

namespace dsc::exec {

double learningRate(const plan::Optimizer &o, int64_t step) {
  if (o.warmupSteps > 0 && step <= o.warmupSteps)
    return o.lr * double(step) / double(o.warmupSteps);
  if (o.schedule == plan::LrSchedule::constant || o.decaySteps <= 0)
    return o.lr;
  int64_t after = std::min(step - o.warmupSteps, o.decaySteps);
  double u = double(std::max<int64_t>(after, 0)) / double(o.decaySteps);
  if (o.schedule == plan::LrSchedule::linear)
    return o.lr + (o.minLr - o.lr) * u;
  const double pi = 3.14159265358979323846;
  return o.minLr + (o.lr - o.minLr) * 0.5 * (1.0 + std::cos(pi * u));
}

} // namespace dsc::exec
