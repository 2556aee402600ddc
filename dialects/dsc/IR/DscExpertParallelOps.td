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
  }];
  let arguments = (ins Dsc_Rows:$input, TensorRankOf<[I32], [1]>:$counts,
                       Optional<Dsc_Rows>:$like, Dsc_I64Attr:$members);
  let results = (outs Dsc_Rows:$output,
                      TensorRankOf<[I32], [1]>:$received_counts);
  let assemblyFormat = [{
    $input `,` $counts (`like` $like^)? `members` $members attr-dict `:`
    type($input) `,` type($counts) (`,` type($like)^)? `->` type($output)
    `,` type($received_counts)
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
