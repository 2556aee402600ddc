//===- PlanErrors.cpp - the plan file API's throwing forms ----------------===//
//
// The same checks and messages as the bool + message forms, reported as
// dsc::Error like every other runtime library's. The bool forms stay for
// the compiler, which is built without exceptions.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"
#include "dsc/support/Error.h"

#include <sys/stat.h>

namespace dsc::plan {

Plan loadPlan(const uint8_t *data, size_t size) {
  Plan plan;
  std::string error;
  if (!loadPlan(data, size, plan, error))
    throw Error(error, ErrorCode::DataLoss);
  return plan;
}

Plan loadPlanFile(const std::string &path, uint32_t *checksum) {
  Plan plan;
  std::string error;
  if (!loadPlanFile(path, plan, error, checksum)) {
    struct stat st;
    bool missing = ::stat(path.c_str(), &st) != 0;
    throw Error(error, missing ? ErrorCode::NotFound : ErrorCode::DataLoss);
  }
  return plan;
}

void writePlanFile(const std::string &path, const Plan &plan) {
  std::string error;
  if (!writePlanFile(path, plan, error))
    throw Error(error, validatePlan(plan).empty() ? ErrorCode::Unavailable
                                                  : ErrorCode::InvalidArgument);
}

void checkPlan(const Plan &plan) {
  std::vector<std::string> errors = validatePlan(plan);
  if (!errors.empty())
    throw Error(joinErrors(errors), ErrorCode::InvalidArgument);
}

} // namespace dsc::plan
