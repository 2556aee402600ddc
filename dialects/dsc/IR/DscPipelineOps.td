//===- DscPipelineOps.td - per-rank pipeline programs ----*- tablegen -*-===//
//
// What dsc-pipeline-schedule emits: for a dsc.run, every pipeline rank's
// ordered program of stage passes, overlapped pairs and point-to-point
// sends and receives. Included from DscOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef DSC_PIPELINE_OPS_TD
#define DSC_PIPELINE_OPS_TD

def Dsc_PipelineOp : Dsc_Op<"pipeline", [
    Symbol, NoTerminator, SingleBlock,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "every pipeline rank's program for a run";
  let description = [{
    The schedule `kind` of `run` over `num_stages` stages and `micro_batches`
    micro-batches, as one `dsc.rank` per pipeline rank in order. Every
    (stage, micro-batch) has one forward and either one full backward or a
    backward for inputs and one for weights, on a rank that runs the stage;
    every send has its receive on the peer rank.

    ```mlir
    dsc.pipeline @pretrain_pipeline run @pretrain kind one_f_one_b
        stages 2 micro_batches 2 {
      dsc.rank 0 {
        dsc.pass forward stage 0 micro_batch 0
        dsc.send activation stage 0 micro_batch 0 to 1
        ...
      }
    }
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    FlatSymbolRefAttr:$run,
    Dsc_ScheduleKind:$kind,
    Dsc_I64Attr:$num_stages,
    Dsc_I64Attr:$micro_batches
  );
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `run` $run `kind` $kind `stages` $num_stages `micro_batches`
    $micro_batches attr-dict-with-keyword $body
  }];
  // The program is checked after its ranks' ops verify on their own.
  let hasRegionVerifier = 1;
}

def Dsc_RankOp : Dsc_Op<"rank", [
    NoTerminator, SingleBlock, HasParent<"PipelineOp">]> {
  let summary = "one pipeline rank's program, in execution order";
  let arguments = (ins Dsc_I64Attr:$index);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "$index attr-dict-with-keyword $body";
}

def Dsc_PassOp : Dsc_Op<"pass", [HasParent<"RankOp">]> {
  let summary = "a stage's forward or backward over one micro-batch";
  let description = [{
    `backward` is the full backward; `backward_input` and `backward_weight`
    split it (zero-bubble schedules defer the weight part). After
    dsc-fragment, `calls` names the fragment function the pass runs.
  }];
  let arguments = (ins Dsc_PassKind:$kind, Dsc_I64Attr:$stage,
                       Dsc_I64Attr:$micro_batch,
                       OptionalAttr<FlatSymbolRefAttr>:$fragment);
  let assemblyFormat = [{
    $kind `stage` $stage `micro_batch` $micro_batch (`calls` $fragment^)?
    attr-dict
  }];
}

def Dsc_SendOp : Dsc_Op<"send", [HasParent<"RankOp">]> {
  let summary = "send a stage's output to another rank";
  let description = [{
    The activations a forward of `stage` produced (to the rank of the next
    stage) or the input gradients its backward produced (to the rank of the
    previous stage), non-blocking. After dsc-fragment, `values` names the
    fragment results it carries; a peer equal to the sender's own rank
    hands values between two stages of one rank (a V shape's turn).
  }];
  let arguments = (ins Dsc_Payload:$payload, Dsc_I64Attr:$stage,
                       Dsc_I64Attr:$micro_batch, Dsc_I64Attr:$peer,
                       OptionalAttr<StrArrayAttr>:$values);
  let assemblyFormat = [{
    $payload `stage` $stage `micro_batch` $micro_batch `to` $peer
    (`values` $values^)? attr-dict
  }];
}

def Dsc_RecvOp : Dsc_Op<"recv", [HasParent<"RankOp">]> {
  let summary = "receive what a stage on another rank sent";
  let description = [{
    Waits for the `payload` that `stage` produced for micro-batch
    `micro_batch` on rank `peer`: before the pass that consumes it. After
    dsc-fragment, `values` names the fragment results it receives.
  }];
  let arguments = (ins Dsc_Payload:$payload, Dsc_I64Attr:$stage,
                       Dsc_I64Attr:$micro_batch, Dsc_I64Attr:$peer,
                       OptionalAttr<StrArrayAttr>:$values);
  let assemblyFormat = [{
    $payload `stage` $stage `micro_batch` $micro_batch `from` $peer
    (`values` $values^)? attr-dict
  }];
}

def Dsc_OverlapOp : Dsc_Op<"overlap", [
    NoTerminator, SingleBlock, HasParent<"RankOp">]> {
  let summary = "a forward and a backward pass run together";
  let description = [{
    DualPipe's overlapped pair (DeepSeek-V3 §3.2.1): the forward of one
    micro-batch and the backward of another, each cut into attention,
    all-to-all dispatch, MLP and all-to-all combine pieces, interleaved so
    that one pass's all-to-all (stream `comm`) runs under the other's
    compute: F attention with B combine, F dispatch with B MLP, F MLP with
    B dispatch, F combine with B attention.
  }];
  let arguments = (ins Dsc_I64Attr:$forward_stage,
                       Dsc_I64Attr:$forward_micro_batch,
                       Dsc_I64Attr:$backward_stage,
                       Dsc_I64Attr:$backward_micro_batch,
                       OptionalAttr<FlatSymbolRefAttr>:$forward_fragment,
                       OptionalAttr<FlatSymbolRefAttr>:$backward_fragment);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `forward` `stage` $forward_stage `micro_batch` $forward_micro_batch
    (`calls` $forward_fragment^)?
    `backward` `stage` $backward_stage `micro_batch` $backward_micro_batch
    (`calls` $backward_fragment^)?
    attr-dict-with-keyword $body
  }];
  let hasVerifier = 1;
}

def Dsc_ChunkOp : Dsc_Op<"chunk", [HasParent<"OverlapOp">]> {
  let summary = "a piece of an overlapped pass";
  let arguments = (ins Dsc_PassKind:$kind, Dsc_ChunkPart:$part,
                       Dsc_Stream:$stream);
  let assemblyFormat = "$kind $part `on` $stream attr-dict";
}

#endif // DSC_PIPELINE_OPS_TD
