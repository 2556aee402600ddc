//===- DscDialect.td - the dsc dialect --------------------*- tablegen -*-===//
//
// The dsc dialect describes DeepSeek-V2/V3-family decoders (MLA attention,
// DeepSeekMoE, multi-token prediction) at the level their users think in.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_DIALECT_TD
#define DSC_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Dsc_Dialect : Dialect {
  let name = "dsc";
  let cppNamespace = "::dsc";
  let summary = "DeepSeek-style models: MLA, DeepSeekMoE and MTP";
  let description = [{
    A `dsc.model` holds the model's parameters (named exactly as in the
    HuggingFace checkpoint) and its forward computation: an embedding, the
    decoder blocks in order, the final norm, the output head, the MTP modules
    and the loss. Model-level ops (`dsc.mla`, `dsc.moe`, `dsc.mlp`, ...) are
    later lowered to kernel-level ops.
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (defined beside their storage classes).
    void registerAttributes();
  }];
}

class Dsc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dsc_Dialect, mnemonic, traits>;

class Dsc_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Dsc_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

// An f64 attribute parameter written as a plain float literal.
class Dsc_F64Parameter<string desc> : APFloatParameter<desc> {
  let parser = [{ ::dsc::parseF64Parameter($_parser) }];
  let printer = [{ $_printer << $_self }];
}

// A signed 64-bit integer attribute (ODS's I64Attr reads back as uint64_t, which
// would turn a user's -1 into 18446744073709551615 in checks and messages).
def Dsc_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
    "64-bit signless integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

// A `bool` attribute parameter printed as `true`/`false`.
class Dsc_BoolParameter<string desc>
    : AttrParameter<"bool", desc> {
  let parser = [{ ::dsc::parseBoolParameter($_parser) }];
  let printer = [{ $_printer << ($_self ? "true" : "false") }];
}

#endif // DSC_DIALECT_TD
