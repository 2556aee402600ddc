//===- ExecError.h - the executor's error -----------------------*- C++ -*-===//
//
// Everything the executor refuses (a plan shape it cannot run, data a kernel
// rejects, weights that do not fit the plan, a checkpoint of another plan) is
// an ExecError whose message names where: the rank, the program and the
// instruction, or the file and the tensor. dsc-run prints it and exits 1;
// nothing aborts. It is the runtime's dsc::Error (dsc/support/Error.h):
// InvalidArgument unless the thrower knows better (ResourceExhausted for
// memory, a communicator's code for a failed communication,
// DeadlineExceeded for a timeout).
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_EXECERROR_H
#define DSC_EXEC_EXECERROR_H

#include "dsc/support/Error.h"

#include <string>

namespace dsc::exec {

class ExecError : public dsc::Error {
public:
  explicit ExecError(const std::string &message,
                     ErrorCode code = ErrorCode::InvalidArgument)
      : dsc::Error(message, code) {}
};

/// A communication call that made no progress within the world's timeout
/// (World.h): its message names the instruction and the ranks it waited
/// for. The call is still in flight, so the job must end (World::abortAll).
class CommTimeoutError : public ExecError {
public:
  explicit CommTimeoutError(const std::string &message)
      : ExecError(message, ErrorCode::DeadlineExceeded) {}
};

} // namespace dsc::exec

#endif // DSC_EXEC_EXECERROR_H
