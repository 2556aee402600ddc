//===- DscEnums.h - the dsc dialect's enums ---------------------*- C++ -*-===//
//
// The enums ODS generates for the dialect, on their own: libraries that only
// need an enum (the schedule library's ScheduleKind) include this header and
// link nothing of the dialect.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_IR_DSCENUMS_H
#define DSC_IR_DSCENUMS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"

#include "dsc/IR/DscEnums.h.inc"

#endif // DSC_IR_DSCENUMS_H
