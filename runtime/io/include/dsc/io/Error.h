//===- Error.h - the error every dsc_io function reports --------*- C++ -*-===//
//
// dsc_io reads files it does not trust (checkpoints, token files, weights
// downloaded from elsewhere). Every problem is reported as an `Error` whose
// message names the file, the tensor or element, and what is wrong; nothing
// in the library aborts, asserts or reads out of bounds on bad input. It is
// the runtime's dsc::Error (dsc/support/Error.h), DataLoss unless a thrower
// says otherwise (NotFound for a file that is not there, Unavailable for a
// failed write).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_ERROR_H
#define DSC_IO_ERROR_H

#include "dsc/support/Error.h"

#include <string>

namespace dsc::io {

class Error : public dsc::Error {
public:
  explicit Error(const std::string &message,
                 ErrorCode code = ErrorCode::DataLoss)
      : dsc::Error(message, code) {}
};

/// The text of errno value `err` (strerror), for messages.
std::string systemErrorText(int err);
/// The code of a failed system call's errno value: NotFound for a missing
/// file, ResourceExhausted for memory or space, Unavailable otherwise.
ErrorCode systemErrorCode(int err);

} // namespace dsc::io

#endif // DSC_IO_ERROR_H
