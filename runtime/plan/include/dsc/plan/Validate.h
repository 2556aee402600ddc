//===- Validate.h - Semantic checks of a plan -------------------*- C++ -*-===//
//
// Everything the executor relies on without checking again: ids in range
// (buffers, parameters, groups, programs, events, ranks), operand counts and
// element types per opcode (OpInfo), attributes present, known and in range,
// communication over groups the rank belongs to with consistent sizes,
// activations inside the arena, shapes non-negative and byte sizes not
// overflowing, enum values known. Each error names where it is: rank,
// program, instruction index.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLAN_VALIDATE_H
#define DSC_PLAN_VALIDATE_H

#include "dsc/plan/Plan.h"

#include <string>
#include <vector>

namespace dsc::plan {

/// Errors reported before validation stops adding more (a broken plan
/// usually breaks the same way many times; the first ones say enough).
constexpr size_t kMaxValidationErrors = 20;

/// The plan's errors, empty when it is valid. At most kMaxValidationErrors,
/// the last one saying that more were left out.
std::vector<std::string> validatePlan(const Plan &plan);

/// The errors joined by newlines ("" for none).
std::string joinErrors(const std::vector<std::string> &errors);

/// Throws dsc::Error (InvalidArgument) with the plan's errors joined when
/// it is invalid (PlanErrors.cpp).
void checkPlan(const Plan &plan);

} // namespace dsc::plan

#endif // DSC_PLAN_VALIDATE_H
