//===- ToyPlanTool.cpp - writes the toy plans for dsc-run's lit tests -----===//
//
// `dsc-toy-plan LAYOUT VOCAB OUT` writes ToyPlans.h's plan (one-rank,
// data-parallel or pipeline) for token files of up to VOCAB ids, so lit can
// run multi-rank plans through dsc-run before `dsc compile` emits them.
//
//===----------------------------------------------------------------------===//

#include "ToyPlans.h"
#include "dsc/plan/PlanFile.h"

#include <cstdio>
#include <cstdlib>

int main(int argc, char **argv) {
  using namespace dsc::exec::test;
  Layout layout;
  long long vocab = argc == 4 ? std::atoll(argv[2]) : 0;
  if (argc != 4 || !parseLayout(argv[1], layout) || vocab < 1) {
    std::fprintf(stderr, "usage: dsc-toy-plan one-rank|data-parallel|pipeline "
                         "VOCAB OUT.plan\n");
    return 2;
  }
  std::string error;
  if (!dsc::plan::writePlanFile(argv[3], toyPlan(layout, vocab), error)) {
    std::fprintf(stderr, "dsc-toy-plan: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
