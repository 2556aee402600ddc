//===- PlanFuzzer.cpp - fuzz plan loading and validation ------------------===//
//
// What dsc-run does with a plan file before executing it, loadPlan's two
// steps: decodePlan checks the header and checksum, verifies the FlatBuffer
// and converts it; validatePlan checks what the executor relies on. The dump
// (dsc-run --dump) must be safe on any decoded plan. A mutated byte almost
// always breaks the CRC-32C, so each input is also loaded with its header's
// length and checksum recomputed: the layers behind the checksum (verifier,
// conversion, validator) see the mutations too.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/Dump.h"
#include "dsc/plan/PlanFile.h"
#include "dsc/plan/Validate.h"
#include <cstring>
#include <string>
#include <vector>

using namespace dsc::plan;

static void load(const uint8_t *data, size_t size) {
  Plan plan;
  std::string error;
  if (!decodePlan(data, size, plan, error)) {
    if (error.empty())
      __builtin_trap(); // a refusal always says why
    return;
  }
  dumpPlan(plan);
  validatePlan(plan);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  load(data, size);
  if (size < kPlanHeaderSize)
    return 0;
  std::vector<uint8_t> fixed(data, data + size);
  uint64_t length = size - kPlanHeaderSize;
  uint32_t crc = crc32c(fixed.data() + kPlanHeaderSize, length);
  std::memcpy(fixed.data() + 16, &length, sizeof length);
  std::memcpy(fixed.data() + 24, &crc, sizeof crc);
  load(fixed.data(), fixed.size());
  return 0;
}
