//===- DscDialect.cpp - the dsc dialect -----------------------------------===//

#include "dsc/IR/DscDialect.h"
#include "dsc/IR/DscAttrs.h"
#include "dsc/IR/DscOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace dsc;

#include "dsc/IR/DscDialect.cpp.inc"

namespace {
/// Prints the model-wide hyper-parameter attributes once, as `#mla`/`#moe`
/// aliases, instead of on every layer; likewise the FP8 recipe (`#fp8`)
/// every FP8 GEMM names.
struct DscOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;

  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (isa<MLAAttr>(attr)) {
      os << "mla";
      return AliasResult::FinalAlias;
    }
    if (isa<MoEAttr>(attr)) {
      os << "moe";
      return AliasResult::FinalAlias;
    }
    if (isa<FP8RecipeAttr>(attr)) {
      os << "fp8";
      return AliasResult::FinalAlias;
    }
    return AliasResult::NoAlias;
  }
};
} // namespace

void DscDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dsc/IR/DscOps.cpp.inc"
      >();
  registerAttributes();
  addInterfaces<DscOpAsmInterface>();
}

static bool isActivationElement(Type type) {
  return type.isBF16() || type.isF16() || type.isF32() ||
         isa<Float8E4M3FNType>(type);
}

bool dsc::isActivationType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 3 && tensor.isDynamicDim(0) &&
         tensor.isDynamicDim(1) && !tensor.isDynamicDim(2) &&
         tensor.getDimSize(2) > 0 &&
         isActivationElement(tensor.getElementType());
}

int64_t dsc::activationWidth(Value activation) {
  return cast<RankedTensorType>(activation.getType()).getDimSize(2);
}

bool dsc::isTokenType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 2 && tensor.isDynamicDim(0) &&
         tensor.isDynamicDim(1) &&
         (tensor.getElementType().isSignlessInteger(32) ||
          tensor.getElementType().isSignlessInteger(64));
}

bool dsc::isScalarF32Type(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getRank() == 0 && tensor.getElementType().isF32();
}

bool dsc::isParameterType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return false;
  Type element = tensor.getElementType();
  return isActivationElement(element) || isa<Float8E5M2Type>(element);
}

FailureOr<APFloat> dsc::parseF64Parameter(AsmParser &parser) {
  double value;
  if (parser.parseFloat(value))
    return failure();
  return APFloat(value);
}

FailureOr<bool> dsc::parseBoolParameter(AsmParser &parser) {
  if (succeeded(parser.parseOptionalKeyword("true")))
    return true;
  if (succeeded(parser.parseOptionalKeyword("false")))
    return false;
  return parser.emitError(parser.getCurrentLocation(),
                          "expected 'true' or 'false'");
}
