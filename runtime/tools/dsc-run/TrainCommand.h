//===- TrainCommand.h - dsc-run PLAN: training on every rank ----*- C++ -*-===//

#ifndef DSC_RUN_TRAINCOMMAND_H
#define DSC_RUN_TRAINCOMMAND_H

namespace dsc::run {

/// `dsc-run PLAN ...` (argv[1] is the plan). Returns the exit status: 0
/// done, 1 a plan / weights / data / checkpoint / kernel error (one message
/// on stderr), 2 bad usage.
int trainCommand(int argc, char **argv);

} // namespace dsc::run

#endif // DSC_RUN_TRAINCOMMAND_H
