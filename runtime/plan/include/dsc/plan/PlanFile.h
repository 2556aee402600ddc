//===- PlanFile.h - Plan files: container, writer, reader -------*- C++ -*-===//
//
// A plan file is a 32-byte header followed by the FlatBuffers payload
// (Plan.fbs); all header integers are little-endian:
//
//   offset  size  field
//        0     8  magic "DSCPLAN\0"
//        8     4  format version (kPlanFormatVersion)
//       12     4  flags, must be 0 (reserved)
//       16     8  payload length in bytes
//       24     4  CRC-32C (Castagnoli) of the payload
//       28     4  reserved, must be 0
//       32     n  payload: a FlatBuffer with file identifier "DSCP"
//
// The file is exactly 32 + n bytes. Reading trusts nothing: each layer
// (header, checksum, FlatBuffers verifier, structure, semantics) is checked
// before the next one looks at the bytes, and every failure is an error
// message, never a crash.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PLAN_PLANFILE_H
#define DSC_PLAN_PLANFILE_H

#include "dsc/plan/Plan.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dsc::plan {

constexpr char kPlanMagic[8] = {'D', 'S', 'C', 'P', 'L', 'A', 'N', '\0'};
constexpr size_t kPlanHeaderSize = 32;

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by iSCSI
/// and ext4: crc32c("123456789") == 0xE3069283. `crc` continues a previous
/// result, so a buffer can be checksummed in pieces.
uint32_t crc32c(const void *data, size_t size, uint32_t crc = 0);

/// The FlatBuffers payload of `plan` (no container, no validation).
std::vector<uint8_t> encodePayload(const Plan &plan);
/// Wraps a payload in the container header.
std::vector<uint8_t> wrapPayload(const std::vector<uint8_t> &payload,
                                 uint32_t version = kPlanFormatVersion);
/// The complete file bytes of `plan`, without validating it (tests use this
/// to produce invalid plans; the compiler uses writePlanFile).
std::vector<uint8_t> encodePlan(const Plan &plan);

/// Decodes file bytes: header, checksum, FlatBuffers verification and
/// conversion to structs, but no semantic validation. On failure returns
/// false with `error` set.
bool decodePlan(const uint8_t *data, size_t size, Plan &out,
                std::string &error);
/// decodePlan and then validatePlan: what a runtime must use.
bool loadPlan(const uint8_t *data, size_t size, Plan &out, std::string &error);
/// loadPlan on a file's contents; errors start with the path. `checksum`,
/// when given, receives the payload's CRC-32C from the verified header (it
/// identifies the plan: ranks compare it to know they run the same one).
bool loadPlanFile(const std::string &path, Plan &out, std::string &error,
                  uint32_t *checksum = nullptr);

/// Validates `plan` and writes it atomically: a temporary file in the same
/// directory, flushed to disk, then renamed over `path`, so a reader never
/// sees a partial plan. On failure nothing is left behind and `error` says
/// why (the validator's errors for an invalid plan).
bool writePlanFile(const std::string &path, const Plan &plan,
                   std::string &error);
/// Writes `bytes` to `path` atomically, as writePlanFile does.
bool writeFileAtomically(const std::string &path,
                         const std::vector<uint8_t> &bytes, std::string &error);

// Throwing forms (PlanErrors.cpp): the same checks and messages, reported
// as the runtime's dsc::Error (dsc/support/Error.h). The runtime uses
// these; the forms above serve the compiler, built without exceptions.

/// loadPlan; DataLoss for bytes that are not a valid plan.
Plan loadPlan(const uint8_t *data, size_t size);
/// loadPlanFile; NotFound for a missing file, DataLoss otherwise.
Plan loadPlanFile(const std::string &path, uint32_t *checksum = nullptr);
/// writePlanFile; InvalidArgument for an invalid plan, Unavailable when
/// the file cannot be written.
void writePlanFile(const std::string &path, const Plan &plan);

} // namespace dsc::plan

#endif // DSC_PLAN_PLANFILE_H
