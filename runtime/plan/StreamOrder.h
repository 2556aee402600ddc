//===- StreamOrder.h - does a rank order its two streams? (private) -------===//

#ifndef DSC_PLAN_STREAMORDER_H
#define DSC_PLAN_STREAMORDER_H

#include "dsc/plan/Plan.h"

#include <string>

namespace dsc::plan::detail {

/// The first race between the rank's compute and comm streams over two
/// steps of its schedule, as an error message; "" when the plan's events
/// order every buffer the two share. The rank's ids must be valid.
std::string checkStreamOrder(const Rank &rank);

} // namespace dsc::plan::detail

#endif // DSC_PLAN_STREAMORDER_H
