//===- CpuStreams.h - streams and events on host threads (private) --------===//

#ifndef DSC_EXEC_CPU_CPUSTREAMS_H
#define DSC_EXEC_CPU_CPUSTREAMS_H

#include "dsc/exec/Stream.h"

#include <memory>
#include <string>

namespace dsc::exec::detail {

/// A stream running its work on the calling thread (`inlineWork`) or on a
/// worker thread of its own.
std::unique_ptr<Stream> makeCpuStream(std::string name, bool inlineWork);
std::unique_ptr<Event> makeCpuEvent();
/// Blocks until the event's latest recording; throws a failed stream's
/// error.
void waitCpuEvent(Event &event);

} // namespace dsc::exec::detail

#endif // DSC_EXEC_CPU_CPUSTREAMS_H
