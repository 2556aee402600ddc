//===- Report.h - every analysis of a dsc.run, for people and tools -*- C++
//-*-===//

#ifndef DSC_ANALYSIS_REPORT_H
#define DSC_ANALYSIS_REPORT_H

#include "dsc/Analysis/KVCache.h"
#include "dsc/Analysis/StepTime.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// The analyses of one run, computed once.
class RunReport {
public:
  /// `run` must verify. `tokenBudget` tokens are priced in GPU-hours.
  RunReport(RunOp run, double tokenBudget);

  void printText(llvm::raw_ostream &os) const;
  /// The keys documented in the README.
  llvm::json::Value toJSON() const;

private:
  RunSetup setup;
  double tokenBudget;
  ParameterCountAnalysis params;
  FlopCountAnalysis flops;
  KVCacheAnalysis kvCache;
  MemoryAnalysis memory;
  CommunicationAnalysis comm;
  StepTimeAnalysis stepTime;
};

} // namespace dsc

#endif // DSC_ANALYSIS_REPORT_H
