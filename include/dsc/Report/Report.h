//===- Report.h - every analysis of a dsc.run, for people and tools -*- C++
//-*-===//

#ifndef DSC_REPORT_REPORT_H
#define DSC_REPORT_REPORT_H

#include "dsc/Analysis/KVCache.h"
#include "dsc/CostModel/CostModel.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace dsc {

/// The analyses of one run, computed once.
class RunReport {
public:
  /// `tokenBudget` tokens are priced in GPU-hours; `run` must outlive the
  /// report.
  RunReport(const ResolvedRun &run, double tokenBudget);

  void printText(llvm::raw_ostream &os) const;
  /// The keys documented in the README.
  llvm::json::Value toJSON() const;

private:
  const ResolvedRun &setup;
  double tokenBudget;
  CostModel costs;
  const ParameterCountAnalysis &params;
  FlopCountAnalysis flops;
  KVCacheAnalysis kvCache;
  const MemoryAnalysis &memory;
  const CommunicationAnalysis &comm;
  const StepTimeAnalysis &stepTime;
};

} // namespace dsc

#endif // DSC_REPORT_REPORT_H
