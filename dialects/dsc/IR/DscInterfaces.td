//===- DscInterfaces.td - dsc op interfaces ---------------*- tablegen -*-===//

#ifndef DSC_INTERFACES_TD
#define DSC_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Dsc_ParameterOwnerOpInterface : OpInterface<"ParameterOwnerOpInterface"> {
  let cppNamespace = "::dsc";
  let description = [{
    An op that reads model parameters. It names each one exactly as the
    HuggingFace checkpoint does (under the op's `scope`, e.g.
    `model.layers.3.self_attn`) together with the shape its hyper-parameters
    imply; the enclosing `dsc.model` checks them against its `dsc.parameter`
    declarations.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends the parameters this op reads, with their expected shapes.
      }],
      "void", "getParameterSpecs",
      (ins "::llvm::SmallVectorImpl<::dsc::ParameterSpec> &":$specs)>,
    InterfaceMethod<[{
        The region holding the op's FP8 linear layers (see
        `dsc::verifyLinears`), or null for an op without linear layers.
      }],
      "::mlir::Region *", "getLinearsRegion", (ins), "",
      [{ return nullptr; }]>,
  ];
  let verify = [{ return ::dsc::detail::verifyParameterOwner($_op); }];
}

#endif // DSC_INTERFACES_TD
