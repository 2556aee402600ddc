//===- OpTableTest.cpp - runtime/plan/README.md's op table is OpInfo's ----===//
//
// The README documents every opcode's operands and attributes; this test
// renders them from OpInfo (the table the validator enforces) and compares
// with the README section, so the documentation cannot drift from the code.
//
//===----------------------------------------------------------------------===//

#include "dsc/plan/Dump.h"
#include "dsc/plan/OpInfo.h"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace dsc::plan;

namespace {

const char *typeTag(OperandType t) {
  switch (t) {
  case OperandType::Any:
    return ":any";
  case OperandType::Floating:
    return "";
  case OperandType::F32:
    return ":f32";
  case OperandType::I32:
    return ":i32";
  case OperandType::Integer:
    return ":int";
  case OperandType::F32OrBF16:
    return ":f32|bf16";
  case OperandType::Reducible:
    return ":num";
  case OperandType::FP8:
    return ":fp8";
  case OperandType::Scale:
    return ":scale";
  }
  return "?";
}

std::string operands(const std::vector<OperandSpec> &specs, int min, int max) {
  std::string s;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i)
      s += ", ";
    s += std::string(specs[i].name) + typeTag(specs[i].type);
    if (static_cast<int>(i) >= min)
      s += "?"; // optional trailing operand
    if (specs[i].access == Access::Accumulate)
      s += " (+=)";
    else if (specs[i].access == Access::InPlace)
      s += " (in place)";
  }
  if (max < 0)
    s += "... (" + std::to_string(min) + "+)";
  return s.empty() ? "-" : s;
}

std::string renderTable() {
  std::ostringstream os;
  os << "| opcode | inputs | outputs | attributes |\n|---|---|---|---|\n";
  for (int op = 1; op <= static_cast<int>(Opcode::MAX); ++op) {
    const OpInfo &info = *findOpInfo(static_cast<Opcode>(op));
    os << "| `" << opcodeName(info.op) << "` | "
       << operands(info.inputs, info.minInputs, info.maxInputs) << " | "
       << operands(info.outputs, info.minOutputs, info.maxOutputs) << " | ";
    std::string attrs;
    for (const AttrSpec &a : info.attrs) {
      attrs += attrs.empty() ? "" : ", ";
      attrs += attrName(a.key) + (a.isFloat ? ":float" : ":int");
      if (!a.required)
        attrs += "=" + (a.defaultValue ? formatDouble(*a.defaultValue)
                                       : std::string("plan"));
    }
    if (info.comm == CommKind::PointToPoint)
      attrs += std::string(attrs.empty() ? "" : ", ") + "comm: peer, tag";
    if (info.comm == CommKind::Collective)
      attrs += std::string(attrs.empty() ? "" : ", ") + "comm: group";
    os << (attrs.empty() ? "-" : attrs) << " |\n";
  }
  return os.str();
}

TEST(OpTable, ReadmeMatchesOpInfo) {
  std::string path = std::string(DSC_SOURCE_DIR) + "/runtime/plan/README.md";
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string readme = ss.str();
  const std::string begin = "<!-- op-table begin -->\n",
                    end = "<!-- op-table end -->";
  size_t b = readme.find(begin), e = readme.find(end);
  ASSERT_NE(b, std::string::npos) << path;
  ASSERT_NE(e, std::string::npos) << path;
  std::string table = readme.substr(b + begin.size(), e - b - begin.size());
  EXPECT_EQ(table, renderTable()) << "update the table in " << path << " to:\n"
                                  << renderTable();
}

} // namespace
