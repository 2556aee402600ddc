//===- KernelTable.cpp - a backend's kernels, keyed by opcode -------------===//

#include "dsc/exec/KernelTable.h"
#include "dsc/exec/ExecError.h"

namespace dsc::exec {

void KernelTable::add(plan::Opcode op, Launch launch) {
  auto index = static_cast<size_t>(op);
  if (index >= launches_.size())
    launches_.resize(index + 1);
  if (launches_[index])
    throw ExecError(std::string("the kernel table has ") +
                    plan::opcodeName(op) + " twice");
  launches_[index] = std::move(launch);
}

const KernelTable::Launch *KernelTable::find(plan::Opcode op) const {
  auto index = static_cast<size_t>(op);
  if (index >= launches_.size() || !launches_[index])
    return nullptr;
  return &launches_[index];
}

} // namespace dsc::exec
