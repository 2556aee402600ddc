//===- dsc-run.cpp - Runs a compiled plan ---------------------------------===//
//
// Exit status: 0 success; 1 the plan cannot be read or is invalid (the
// validator's message on stderr); 2 usage errors and modes that do not
// exist yet. Training arrives with the executor (runtime/exec); until then
// asking for it says so instead of pretending to run.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/Dump.h"
#include "dsc/plan/PlanFile.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

const char *kUsage = "usage: dsc-run --dump PLAN   print a plan as text\n"
                     "       dsc-run PLAN          train (not implemented "
                     "yet)\n"
                     "       dsc-run --help\n";

int dump(const std::string &path) {
  dsc::plan::Plan plan;
  std::string error;
  if (!dsc::plan::loadPlanFile(path, plan, error)) {
    std::fprintf(stderr, "dsc-run: %s\n", error.c_str());
    return 1;
  }
  std::string text = dsc::plan::dumpPlan(plan);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 &&
      (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (argc == 3 && !std::strcmp(argv[1], "--dump"))
    return dump(argv[2]);
  if (argc >= 2 && argv[1][0] != '-') {
    std::fprintf(stderr, "dsc-run: not implemented yet: training is added by "
                         "the executor (use --dump PLAN to inspect a plan)\n");
    return 2;
  }
  std::fputs(kUsage, stderr);
  return 2;
}
