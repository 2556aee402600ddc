//===- Dump.h - A readable rendering of a plan ------------------*- C++ -*-===//

#ifndef DSC_PLAN_DUMP_H
#define DSC_PLAN_DUMP_H

#include "dsc/plan/Plan.h"

#include <string>

namespace dsc::plan {

/// The plan as text: header, model, optimizer, placement, groups,
/// parameters, then per rank its buffers, programs (one instruction per
/// line, e.g. `fwd[12] rms_norm_fwd (in b3, b7; out b8, b9) eps=1e-6
/// @compute`) and schedule. Deterministic, so tests compare it verbatim.
/// Safe on unvalidated plans (it never indexes with a plan's ids).
std::string dumpPlan(const Plan &plan);

/// Shortest decimal that reads back as `value` ("1e-6", "0.9", "10000").
std::string formatDouble(double value);

} // namespace dsc::plan

#endif // DSC_PLAN_DUMP_H
