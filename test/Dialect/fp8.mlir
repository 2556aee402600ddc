// RUN: dsc-opt %s --split-input-file | dsc-opt --split-input-file | FileCheck %s

// Round trip of the FP8 side of the dialect. Each model verifies.

// An FP8 SwiGLU MLP: both GEMMs reading x share its quantization.
// CHECK: #fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
// CHECK-LABEL: dsc.model @m {{.*}} fp8 #fp8 {
// CHECK:         dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<8x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.mlp "model.layers.0.mlp"(%{{.*}}) intermediate 8 : tensor<?x?x8xbf16> linears {
// CHECK-NEXT:    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x8xbf16>):
// CHECK-NEXT:      %fp8, %scales = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[G:.*]] = dsc.fp8_gemm %fp8, %scales, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[U:.*]] = dsc.fp8_gemm %fp8, %scales, @model.layers.0.mlp.up_proj.weight #fp8
// CHECK-NEXT:      %fp8_{{.*}}, %scales_{{.*}} = dsc.quantize %hidden tile [1, 128] scale fp32
// CHECK-NEXT:      %[[D:.*]] = dsc.fp8_gemm
// CHECK-NEXT:      dsc.yield %[[G]], %[[U]], %[[D]] : tensor<?x?x8xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
// CHECK-NEXT:    }
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

// FP8 weights as an FP8 checkpoint declares them, with no recipe and no
// `linears` region yet: 128 x 128 blocks.
// CHECK-LABEL: dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 0 max_positions 64 eps 9.9999999999999995E-7 {
// CHECK:         dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.mlp "model.layers.0.mlp"(%{{.*}}) intermediate 8 : tensor<?x?x8xbf16>{{$}}
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

// The model's recipe sets the weight blocks: 4 x 4 blocks of the 8 x 8
// weights make 2 x 2 scales; the GEMM scales per 1 x 4 tile.
// CHECK: #fp8 = #dsc.fp8<act_tile = [1, 4], weight_block = [4, 4], scale = ue8m0, promote = 2,
// CHECK-LABEL: dsc.model @m {{.*}} fp8 #fp8 {
// CHECK:         dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<2x2xf32>
// CHECK:         dsc.quantize %hidden tile [1, 4] scale ue8m0 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32>
#fp8 = #dsc.fp8<act_tile = [1, 4], weight_block = [4, 4], scale = ue8m0, promote = 2, wgrad_tile = [4, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
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
  dsc.parameter @model.layers.0.mlp.gate_proj.weight_scale_inv : tensor<2x2xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.up_proj.weight_scale_inv : tensor<2x2xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x8xf8E4M3FN>
  dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<2x2xf32>
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
      %q, %s = dsc.quantize %x tile [1, 4] scale ue8m0 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32>
      %g = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32> -> tensor<?x?x8xbf16>
      %u = dsc.fp8_gemm %q, %s, @model.layers.0.mlp.up_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32> -> tensor<?x?x8xbf16>
      %hq, %hs = dsc.quantize %hidden tile [1, 4] scale ue8m0 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32>
      %d = dsc.fp8_gemm %hq, %hs, @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32> -> tensor<?x?x8xbf16>
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
