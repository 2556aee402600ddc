//===- DscExpertParallelOps.td - expert-parallel kernel ops -*- tablegen -*-===//
//
// What dsc-expert-parallel puts between a MoE layer's dispatch and combine
// when the mesh's ep axis is > 1: token copies routed to the physical expert
// slots of the placement, exchanged over the ep group (all_to_all_v), run
// through the local slots' grouped GEMMs and sent back. Slots are numbered
// over the ep group, member g owning slots [g * S, (g + 1) * S); counts are
// [members, S] tensors. The exchanges are collectives over the ep group of
// the rank running them (the plan emitter names the group); like the other
// kernel ops they are values in, values out.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_EXPERT_PARALLEL_OPS_TD
#define DSC_EXPERT_PARALLEL_OPS_TD

def Dsc_SlotCounts : TensorRankOf<[I32], [2]>;

def Dsc_KSlotRouteOp : Dsc_KernelOp<"slot_route"> {
  let summary = "each chosen logical expert's physical slot";
  let description = [{
    `experts` [T, k] are logical expert ids; each copy goes to one slot of
    the `placement` holding its expert: a replica on the sending rank's own
    node when there is one, else the copies are spread over the replicas
    (token t takes replica t mod replicas). The plan emitter writes the
    sending rank's candidate table from the placement and the cluster.
  }];
  let arguments = (ins TensorRankOf<[I32], [2]>:$experts,
                       Dsc_ExpertPlacementAttr:$placement);
  let results = (outs TensorRankOf<[I32], [2]>:$slots);
  let assemblyFormat = [{
    $experts `placement` $placement attr-dict `:` type($experts) `->`
    type($slots)
  }];
}

def Dsc_KSlotCountsOp : Dsc_KernelOp<"slot_counts"> {
  let summary = "rows per slot and per ep member of a dispatch by slot";
  let arguments = (ins TensorRankOf<[I32], [1]>:$offsets);
  let results = (outs Dsc_SlotCounts:$slot_counts,
                      TensorRankOf<[I32], [1]>:$member_counts);
  let assemblyFormat = [{
    $offsets attr-dict `:` type($offsets) `->` type($slot_counts) `,`
    type($member_counts)
  }];
  let hasVerifier = 1;
}

def Dsc_KAllToAllOp : Dsc_KernelOp<"all_to_all", [SameOperandsAndResultType]> {
  let summary = "block i of the input to ep member i, block j from member j";
  let arguments = (ins Dsc_SlotCounts:$input);
  let results = (outs Dsc_SlotCounts:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Dsc_KAllToAllVOp : Dsc_KernelOp<"all_to_all_v"> {
  let summary = "rows to each ep member by count, rows from each by count";
  let description = [{
    `counts[g]` rows of `input`, packed in member order, go to member g; the
    rows from each member arrive packed in member order, `received_counts`
    saying how many. The result holds at most `members` times the input's
    rows (a dispatch: every member may send all its copies here), or, with
    `like`, as many rows as that value (the way back of a dispatch).

    With `fp8 tile T scale S` the rows travel as E4M3 with one scale per
    1 x T tile (S: `fp32`, or `ue8m0` powers of two sent as one byte), as
    DeepSeek-V3 dispatches tokens to the experts (§3.3.4); the result is
    their dequantized values. dsc-fp8-dispatch spells that out after the
    backward is derived: the adjoint of an FP8 exchange is the plain
    exchange back (combine and gradients travel in the activations' type).
  }];
  let arguments = (ins Dsc_Rows:$input, TensorRankOf<[I32], [1]>:$counts,
                       Optional<Dsc_Rows>:$like, Dsc_I64Attr:$members,
                       OptionalAttr<Dsc_I64Attr>:$fp8_tile,
                       OptionalAttr<Dsc_ScaleFormat>:$fp8_scale);
  let results = (outs Dsc_Rows:$output,
                      TensorRankOf<[I32], [1]>:$received_counts);
  let assemblyFormat = [{
    $input `,` $counts (`like` $like^)? `members` $members
    (`fp8` `tile` $fp8_tile^ `scale` $fp8_scale)? attr-dict `:`
    type($input) `,` type($counts) (`,` type($like)^)? `->` type($output)
    `,` type($received_counts)
  }];
  let hasVerifier = 1;
}

def Dsc_KQuantizeRowsOp : Dsc_KernelOp<"quantize_rows"> {
  let summary = "rows to E4M3 with one scale per 1 x tile tile";
  let description = [{
    Each row's channels are cut into `1 x tile` tiles (a ragged last one
    zero-padded); a tile's scale is max(amax, 1e-4) / 448, rounded up to a
    power of two with `scale ue8m0` (then stored as `f8E8M0FNU`, one byte;
    FP32 otherwise), and each value is stored as value / scale in E4M3.
  }];
  let arguments = (ins Dsc_Rows:$input, Dsc_I64Attr:$tile,
                       Dsc_ScaleFormat:$scale);
  let results = (outs Dsc_Rows:$quantized, Dsc_Rows:$scales);
  let assemblyFormat = [{
    $input `tile` $tile `scale` $scale attr-dict `:` type($input) `->`
    type($quantized) `,` type($scales)
  }];
  let hasVerifier = 1;
}

def Dsc_KDequantizeRowsOp : Dsc_KernelOp<"dequantize_rows"> {
  let summary = "quantize_rows' inverse: each code times its tile's scale";
  let arguments = (ins Dsc_Rows:$quantized, Dsc_Rows:$scales,
                       Dsc_I64Attr:$tile);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $quantized `,` $scales `tile` $tile attr-dict `:` type($quantized) `,`
    type($scales) `->` type($output)
  }];
  let hasVerifier = 1;
}

def Dsc_KSlotPermuteOp : Dsc_KernelOp<"slot_permute"> {
  let summary = "received rows regrouped by local slot";
  let description = [{
    Rows that arrived member-major (each member's block by slot, `counts`
    [members, S]) regrouped slot-major, source member by source member
    within a slot, with the offsets of those blocks [S * members + 1]: the
    grouped GEMMs run them block by block, so a weight gradient sums its
    sources in rank order, as one rank would sum the micro-batches.
  }];
  let arguments = (ins Dsc_Rows:$rows, Dsc_SlotCounts:$counts);
  let results = (outs Dsc_Rows:$output, TensorRankOf<[I32], [1]>:$offsets);
  let assemblyFormat = [{
    $rows `,` $counts attr-dict `:` type($rows) `,` type($counts) `->`
    type($output) `,` type($offsets)
  }];
}

def Dsc_KSlotUnpermuteOp : Dsc_KernelOp<"slot_unpermute",
    [AllTypesMatch<["rows", "output"]>]> {
  let summary = "slot_permute's inverse";
  let arguments = (ins Dsc_Rows:$rows, Dsc_SlotCounts:$counts);
  let results = (outs Dsc_Rows:$output);
  let assemblyFormat = [{
    $rows `,` $counts attr-dict `:` type($rows) `,` type($counts)
  }];
}

#endif // DSC_EXPERT_PARALLEL_OPS_TD
