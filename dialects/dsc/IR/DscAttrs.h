//===- DscAttrs.h - dsc hyper-parameter attributes --------------*- C++ -*-===//

#ifndef DSC_IR_DSCATTRS_H
#define DSC_IR_DSCATTRS_H

#include "dsc/IR/DscDialect.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "dsc/IR/DscEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dsc/IR/DscAttrs.h.inc"

#endif // DSC_IR_DSCATTRS_H
