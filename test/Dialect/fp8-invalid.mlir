// RUN: dsc-opt %s -split-input-file -verify-diagnostics

// The FP8 side of the dialect: #dsc.fp8, dsc.quantize, dsc.fp8_gemm, the
// `linears` regions that hold them and the whole-model checks of FP8
// weights. Each case is a one-layer model with an 8-wide SwiGLU MLP (its
// three 8 x 8 weights are FP8 unless said otherwise).

// -----

// #dsc.fp8: a promotion interval spanning two activation tiles

// expected-error @+1 {{'promote' (96) must divide the activation tile width (128) and the weight block width (128): the scales apply when a partial sum is promoted, so no interval may span two tiles}}
#bad = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 96, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>

// -----

// #dsc.fp8: activation tiles are one token high

// expected-error @+1 {{'act_tile' must be [1, N] with N > 0 (one scale per token and N channels), got [128, 128]}}
#bad = #dsc.fp8<act_tile = [128, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>

// -----

// #dsc.fp8: master weights in FP32

// expected-error @+1 {{'master' weights must be f32, got 'bf16'}}
#bad = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = bf16, grads = f32, moments = bf16>

// -----

// an FP8 weight needs its block scales

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op FP8 weight 'model.layers.0.mlp.down_proj.weight' needs its block scales; add 'dsc.parameter @"model.layers.0.mlp.down_proj.weight_scale_inv" : tensor<1x1xf32>'}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16>
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// block scales of the wrong shape

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x2xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op block scales 'model.layers.0.mlp.gate_proj.weight_scale_inv' must be tensor<1x1xf32>: one FP32 scale per 128x128 block of 'model.layers.0.mlp.gate_proj.weight', got 'tensor<1x2xf32>'}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16>
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// the model's recipe sets the block: 4 x 4 blocks of an 8 x 8 weight make 2 x 2 scales

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #dsc.fp8<act_tile = [1, 4], weight_block = [4, 4], scale = fp32, promote = 4, wgrad_tile = [4, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16> {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op block scales 'model.layers.0.mlp.gate_proj.weight_scale_inv' must be tensor<2x2xf32>: one FP32 scale per 4x4 block of 'model.layers.0.mlp.gate_proj.weight', got 'tensor<1x1xf32>'}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16>
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// an FP8 weight of an op with a 'linears' region needs its GEMM there

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op weight 'model.layers.0.mlp.down_proj.weight' is FP8 but the op's 'linears' region has no dsc.fp8_gemm for it; add one or keep the weight BF16}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      dsc.yield %g, %u : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.quantize: one scale per tile

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      // expected-error @+1 {{'dsc.quantize' op scales must be tensor<?x?x1xf32>: one per 1 x 128 tile of the 8 channels (a ragged last tile is zero-padded), got 'tensor<?x?x2xf32>'}}
      %bq, %bs = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.quantize: E4M3 results

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      // expected-error @+1 {{'dsc.quantize' op result must be the input's shape in f8E4M3FN (E4M3 for all FP8 tensors), got 'tensor<?x?x8xbf16>'}}
      %bq, %bs = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xbf16>, tensor<?x?x1xf32>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.quantize: activation tiles are one token high

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      // expected-error @+1 {{'dsc.quantize' op tile must be [1, N] with N > 0 (one scale per token and N channels), got [128, 1]}}
      %q, %s = dsc.quantize %x tile [128, 1] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.fp8_gemm: the input is quantized as its recipe says

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 64] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      // expected-error @+1 {{'dsc.fp8_gemm' op reads an input quantized per [1, 64] tiles but its recipe's act_tile is [1, 128]}}
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.fp8_gemm: an FP8 weight

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xbf16>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      // expected-error @+1 {{'dsc.fp8_gemm' op weight @model.layers.0.mlp.up_proj.weight must be an f8E4M3FN [out, in] parameter (stacked routed experts: [experts, out, in]), got 'tensor<8x8xbf16>'}}
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.fp8_gemm: the weight's block scales

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<2x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      // expected-error @+1 {{'dsc.fp8_gemm' op needs the weight's block scales: 'dsc.parameter @"model.layers.0.mlp.up_proj.weight_scale_inv" : tensor<1x1xf32>', one per [128, 128] block}}
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// dsc.fp8_gemm: one recipe per model

#ue8m0 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = ue8m0, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      // expected-error @+1 {{'dsc.fp8_gemm' op follows another FP8 recipe than its model's #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32}}
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #ue8m0 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// only a routed expert's output is combined

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      // expected-error @+1 {{'dsc.fp8_gemm' op is not a routed expert's, so its output is not combined}}
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 combine : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// FP8 GEMMs follow their model's recipe

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      // expected-error @+1 {{'dsc.fp8_gemm' op is in a model without an FP8 recipe; give @m 'fp8' #dsc.fp8<act_tile = [1, 128]}}
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// 'linears' takes one argument per input of the linear layers

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op 'linears' must take the 2 inputs of its linear layers (x, hidden), got 1 arguments}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// each GEMM reads its layer's input

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      // expected-error @+1 {{'dsc.fp8_gemm' op reads 'x' but the linear layer of @model.layers.0.mlp.down_proj.weight is applied to 'hidden'}}
      %d = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// a 'linears' region holds only quantizations and GEMMs

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      // expected-error @+1 {{'dsc.add' op cannot be in the 'linears' region of 'dsc.mlp', which holds only dsc.quantize and dsc.fp8_gemm}}
      %sum = dsc.add %g, %u : tensor<?x?x8xbf16>
      dsc.yield %g, %u, %d : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// 'linears' yields its GEMM results in order

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 1.0e-06 fp8 #fp8 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %e = dsc.embedding "model.embed_tokens"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b = dsc.block 0(%e) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %0 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %1 = dsc.mla #mla "model.layers.0.self_attn"(%0) : tensor<?x?x8xbf16>
    %2 = dsc.add %h, %1 : tensor<?x?x8xbf16>
    %3 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%2) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op 'linears' must end with 'dsc.yield' of its 3 GEMM results, in order}}
    %4 = dsc.mlp "model.layers.0.mlp"(%3) intermediate 8 : tensor<?x?x8xbf16> linears {
    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
      %q, %s = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %g, %d, %u : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
    }
    %5 = dsc.add %2, %4 : tensor<?x?x8xbf16>
    dsc.yield %5 : tensor<?x?x8xbf16>
  }
  %n = dsc.rms_norm "model.norm"(%b) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%n) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// routed experts read the FP8 copy the all-to-all dispatches

#fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
#mla = #dsc.mla<num_attention_heads = 2, q_lora_rank = 4, kv_lora_rank = 4, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
#moe = #dsc.moe<n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.000000e+00, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.000000e-03, aux_loss_alpha = 1.000000e-04>
module {
  dsc.model @micro vocab 32 hidden 8 layers 2 dense 1 moe_every 1 mtp 1 max_positions 4096 eps 9.9999999999999995E-7 fp8 #fp8 {
  ^bb0(%input_ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
    dsc.parameter @model.embed_tokens.weight : tensor<32x8xbf16>
    dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.0.self_attn.q_a_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.self_attn.q_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.0.self_attn.q_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.0.self_attn.q_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xf8E4M3FN>
    dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.0.self_attn.o_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<16x8xf8E4M3FN>
    dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<16x8xf8E4M3FN>
    dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x16xf8E4M3FN>
    dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.input_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.1.self_attn.q_a_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.1.self_attn.q_a_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.self_attn.q_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.1.self_attn.q_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.1.self_attn.q_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xf8E4M3FN>
    dsc.parameter @model.layers.1.self_attn.kv_a_proj_with_mqa.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.1.self_attn.kv_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.1.self_attn.kv_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.self_attn.o_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.1.self_attn.o_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.post_attention_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.1.mlp.gate.weight : tensor<4x8xbf16>
    dsc.parameter @model.layers.1.mlp.gate.e_score_correction_bias : tensor<4xf32>
    dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.mlp.shared_experts.up_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.1.mlp.shared_experts.up_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xf8E4M3FN>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.up_proj.weight" : tensor<4x4x8xf8E4M3FN>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.up_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xf8E4M3FN>
    dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @model.norm.weight : tensor<8xbf16>
    dsc.parameter @lm_head.weight : tensor<32x8xbf16>
    dsc.parameter @model.layers.2.enorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.2.hnorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xf8E4M3FN>
    dsc.parameter @model.layers.2.eh_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.input_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.2.self_attn.q_a_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.2.self_attn.q_a_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.self_attn.q_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.2.self_attn.q_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.2.self_attn.q_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xf8E4M3FN>
    dsc.parameter @model.layers.2.self_attn.kv_a_proj_with_mqa.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
    dsc.parameter @model.layers.2.self_attn.kv_b_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.2.self_attn.kv_b_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.self_attn.o_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.2.self_attn.o_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.post_attention_layernorm.weight : tensor<8xbf16>
    dsc.parameter @model.layers.2.mlp.gate.weight : tensor<4x8xbf16>
    dsc.parameter @model.layers.2.mlp.gate.e_score_correction_bias : tensor<4xf32>
    dsc.parameter @model.layers.2.mlp.shared_experts.gate_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.2.mlp.shared_experts.gate_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.mlp.shared_experts.up_proj.weight : tensor<4x8xf8E4M3FN>
    dsc.parameter @model.layers.2.mlp.shared_experts.up_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @model.layers.2.mlp.shared_experts.down_proj.weight : tensor<8x4xf8E4M3FN>
    dsc.parameter @model.layers.2.mlp.shared_experts.down_proj.weight_scale_inv : tensor<1x1xf32>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xf8E4M3FN>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.gate_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.up_proj.weight" : tensor<4x4x8xf8E4M3FN>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.up_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xf8E4M3FN>
    dsc.parameter @"model.layers.2.mlp.experts.{e}.down_proj.weight_scale_inv" : tensor<4x1x1xf32>
    dsc.parameter @model.layers.2.shared_head.norm.weight : tensor<8xbf16>
    %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
    %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %2 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
      %3 = dsc.mla #mla "model.layers.0.self_attn"(%2) : tensor<?x?x8xbf16> linears {
      ^bb0(%x: tensor<?x?x8xbf16>, %q_latent: tensor<?x?x4xbf16>, %kv_latent: tensor<?x?x4xbf16>, %attention: tensor<?x?x4xbf16>):
        %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
        %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.0.self_attn.q_a_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %fp8_1, %scales_2 = dsc.quantize %q_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %9 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.0.self_attn.q_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        %10 = dsc.fp8_gemm %fp8, %scales, @model.layers.0.self_attn.kv_a_proj_with_mqa.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x6xbf16>
        %fp8_3, %scales_4 = dsc.quantize %kv_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %11 = dsc.fp8_gemm %fp8_3, %scales_4, @model.layers.0.self_attn.kv_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        %fp8_5, %scales_6 = dsc.quantize %attention tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %12 = dsc.fp8_gemm %fp8_5, %scales_6, @model.layers.0.self_attn.o_proj.weight #fp8 saves e5m6 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        dsc.yield %8, %9, %10, %11, %12 : tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x6xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
      }
      %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
      %5 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
      %6 = dsc.mlp "model.layers.0.mlp"(%5) intermediate 16 : tensor<?x?x8xbf16> linears {
      ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x16xbf16>):
        %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
        %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x16xbf16>
        %9 = dsc.fp8_gemm %fp8, %scales, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x16xbf16>
        %fp8_1, %scales_2 = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32>
        %10 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        dsc.yield %8, %9, %10 : tensor<?x?x16xbf16>, tensor<?x?x16xbf16>, tensor<?x?x8xbf16>
      }
      %7 = dsc.add %4, %6 : tensor<?x?x8xbf16>
      dsc.yield %7 : tensor<?x?x8xbf16>
    }
    %layer1 = dsc.block 1(%layer0) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %2 = dsc.rms_norm "model.layers.1.input_layernorm"(%h) : tensor<?x?x8xbf16>
      %3 = dsc.mla #mla "model.layers.1.self_attn"(%2) : tensor<?x?x8xbf16> linears {
      ^bb0(%x: tensor<?x?x8xbf16>, %q_latent: tensor<?x?x4xbf16>, %kv_latent: tensor<?x?x4xbf16>, %attention: tensor<?x?x4xbf16>):
        %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
        %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.1.self_attn.q_a_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %fp8_1, %scales_2 = dsc.quantize %q_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %9 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.1.self_attn.q_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        %10 = dsc.fp8_gemm %fp8, %scales, @model.layers.1.self_attn.kv_a_proj_with_mqa.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x6xbf16>
        %fp8_3, %scales_4 = dsc.quantize %kv_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %11 = dsc.fp8_gemm %fp8_3, %scales_4, @model.layers.1.self_attn.kv_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        %fp8_5, %scales_6 = dsc.quantize %attention tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %12 = dsc.fp8_gemm %fp8_5, %scales_6, @model.layers.1.self_attn.o_proj.weight #fp8 saves e5m6 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        dsc.yield %8, %9, %10, %11, %12 : tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x6xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
      }
      %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
      %5 = dsc.rms_norm "model.layers.1.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
      %6 = dsc.moe #moe "model.layers.1.mlp"(%5) : tensor<?x?x8xbf16> linears {
      ^bb0(%x: tensor<?x?x8xbf16>, %shared_hidden: tensor<?x?x4xbf16>, %expert_hidden: tensor<?x?x4xbf16>):
        %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
        %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.1.mlp.shared_experts.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %9 = dsc.fp8_gemm %fp8, %scales, @model.layers.1.mlp.shared_experts.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %fp8_1, %scales_2 = dsc.quantize %shared_hidden tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %10 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.1.mlp.shared_experts.down_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        %fp8_3, %scales_4 = dsc.quantize %x tile [1, 128] scale ue8m0 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
        // expected-error @+1 {{'dsc.fp8_gemm' op is a routed expert's and must read the 'dispatch' quantization (what the all-to-all sends)}}
        %11 = dsc.fp8_gemm %fp8_3, %scales_4, @"model.layers.1.mlp.experts.{e}.gate_proj.weight" #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %12 = dsc.fp8_gemm %fp8_3, %scales_4, @"model.layers.1.mlp.experts.{e}.up_proj.weight" #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
        %fp8_5, %scales_6 = dsc.quantize %expert_hidden tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
        %13 = dsc.fp8_gemm %fp8_5, %scales_6, @"model.layers.1.mlp.experts.{e}.down_proj.weight" #fp8 combine : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
        dsc.yield %8, %9, %10, %11, %12, %13 : tensor<?x?x4xbf16>, tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x4xbf16>, tensor<?x?x4xbf16>, tensor<?x?x8xbf16>
      }
      %7 = dsc.add %4, %6 : tensor<?x?x8xbf16>
      dsc.yield %7 : tensor<?x?x8xbf16>
    }
    %0 = dsc.rms_norm "model.norm"(%layer1) eps 1.000000e-05 : tensor<?x?x8xbf16>
    %logits = dsc.lm_head "lm_head"(%0) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
    %mtp1 = dsc.mtp 1 "model.layers.2"(%layer1, %embeddings) : tensor<?x?x8xbf16> {
    ^bb0(%projected: tensor<?x?x8xbf16>):
      %layer2 = dsc.block 2(%projected) : tensor<?x?x8xbf16> {
      ^bb0(%h: tensor<?x?x8xbf16>):
        %2 = dsc.rms_norm "model.layers.2.input_layernorm"(%h) : tensor<?x?x8xbf16>
        %3 = dsc.mla #mla "model.layers.2.self_attn"(%2) : tensor<?x?x8xbf16> linears {
        ^bb0(%x: tensor<?x?x8xbf16>, %q_latent: tensor<?x?x4xbf16>, %kv_latent: tensor<?x?x4xbf16>, %attention: tensor<?x?x4xbf16>):
          %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
          %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.2.self_attn.q_a_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
          %fp8_1, %scales_2 = dsc.quantize %q_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
          %9 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.2.self_attn.q_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
          %10 = dsc.fp8_gemm %fp8, %scales, @model.layers.2.self_attn.kv_a_proj_with_mqa.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x6xbf16>
          %fp8_3, %scales_4 = dsc.quantize %kv_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
          %11 = dsc.fp8_gemm %fp8_3, %scales_4, @model.layers.2.self_attn.kv_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
          %fp8_5, %scales_6 = dsc.quantize %attention tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
          %12 = dsc.fp8_gemm %fp8_5, %scales_6, @model.layers.2.self_attn.o_proj.weight #fp8 saves e5m6 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
          dsc.yield %8, %9, %10, %11, %12 : tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x6xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
        }
        %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
        %5 = dsc.rms_norm "model.layers.2.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
        %6 = dsc.moe #moe "model.layers.2.mlp"(%5) : tensor<?x?x8xbf16> linears {
        ^bb0(%x: tensor<?x?x8xbf16>, %shared_hidden: tensor<?x?x4xbf16>, %expert_hidden: tensor<?x?x4xbf16>):
          %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
          %8 = dsc.fp8_gemm %fp8, %scales, @model.layers.2.mlp.shared_experts.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
          %9 = dsc.fp8_gemm %fp8, %scales, @model.layers.2.mlp.shared_experts.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
          %fp8_1, %scales_2 = dsc.quantize %shared_hidden tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
          %10 = dsc.fp8_gemm %fp8_1, %scales_2, @model.layers.2.mlp.shared_experts.down_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
          %fp8_3, %scales_4 = dsc.quantize %x tile [1, 128] scale ue8m0 dispatch : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
          %11 = dsc.fp8_gemm %fp8_3, %scales_4, @"model.layers.2.mlp.experts.{e}.gate_proj.weight" #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
          %12 = dsc.fp8_gemm %fp8_3, %scales_4, @"model.layers.2.mlp.experts.{e}.up_proj.weight" #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
          %fp8_5, %scales_6 = dsc.quantize %expert_hidden tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
          %13 = dsc.fp8_gemm %fp8_5, %scales_6, @"model.layers.2.mlp.experts.{e}.down_proj.weight" #fp8 combine : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
          dsc.yield %8, %9, %10, %11, %12, %13 : tensor<?x?x4xbf16>, tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x4xbf16>, tensor<?x?x4xbf16>, tensor<?x?x8xbf16>
        }
        %7 = dsc.add %4, %6 : tensor<?x?x8xbf16>
        dsc.yield %7 : tensor<?x?x8xbf16>
      }
      dsc.yield %layer2 : tensor<?x?x8xbf16>
    } linears {
    ^bb0(%concat: tensor<?x?x16xbf16>):
      %fp8, %scales = dsc.quantize %concat tile [1, 128] scale fp32 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32>
      %2 = dsc.fp8_gemm %fp8, %scales, @model.layers.2.eh_proj.weight #fp8 : tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
      dsc.yield %2 : tensor<?x?x8xbf16>
    }
    %1 = dsc.rms_norm "model.layers.2.shared_head.norm"(%mtp1) : tensor<?x?x8xbf16>
    %logits_0 = dsc.lm_head "lm_head"(%1) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
    %loss = dsc.cross_entropy %logits, %labels mtp(%logits_0 : tensor<?x?x32xf32>) weight 3.000000e-01 : tensor<?x?x32xf32>, tensor<?x?xi32> -> tensor<f32>
    dsc.yield %logits, %loss : tensor<?x?x32xf32>, tensor<f32>
  }
}

