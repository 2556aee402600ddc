//===- dsc-tokens.cpp - encode, decode and describe token files -----------===//

#include "TokensTool.h"
#include <iostream>

int main(int argc, char **argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  return dsc::io::runTokensTool(args, std::cout, std::cerr);
}
