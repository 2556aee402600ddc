//===- Error.h - the error every dsc_io function reports --------*- C++ -*-===//
//
// dsc_io reads files it does not trust (checkpoints, token files, weights
// downloaded from elsewhere). Every problem is reported as an `Error` whose
// message names the file, the tensor or element, and what is wrong; nothing
// in the library aborts, asserts or reads out of bounds on bad input.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IO_ERROR_H
#define DSC_IO_ERROR_H

#include <stdexcept>
#include <string>

namespace dsc::io {

class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// The text of errno value `err` (strerror), for messages.
std::string systemErrorText(int err);

} // namespace dsc::io

#endif // DSC_IO_ERROR_H
