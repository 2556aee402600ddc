//===- ExecError.h - the executor's error -----------------------*- C++ -*-===//
//
// Everything the executor refuses (a plan shape it cannot run, data a kernel
// rejects, weights that do not fit the plan, a checkpoint of another plan) is
// an ExecError whose message names where: the rank, the program and the
// instruction, or the file and the tensor. dsc-run prints it and exits 1;
// nothing aborts.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXEC_EXECERROR_H
#define DSC_EXEC_EXECERROR_H

#include <stdexcept>
#include <string>

namespace dsc::exec {

class ExecError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A communication call that made no progress within the world's timeout
/// (World.h): its message names the instruction and the ranks it waited
/// for. The call is still in flight, so the job must end (World::abortAll).
class CommTimeoutError : public ExecError {
public:
  using ExecError::ExecError;
};

} // namespace dsc::exec

#endif // DSC_EXEC_EXECERROR_H
