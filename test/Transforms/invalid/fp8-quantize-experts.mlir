// RUN: dsc-opt %s --dsc-fp8-quantize -verify-diagnostics
// RUN: dsc-opt %s --dsc-fp8-quantize=exclude=routed_experts | FileCheck %s

// Routed experts declared one tensor per expert (DeepSeek-V2-Lite style)
// have no single weight an FP8 grouped GEMM could name; keeping them BF16
// converts the rest, the full query projection (q_lora_rank = 0) included.
// CHECK-LABEL: dsc.model @lite
// CHECK:         dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<8x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.parameter @model.layers.0.mlp.shared_experts.down_proj.weight : tensor<8x4xf8E4M3FN>
// CHECK:         dsc.parameter @model.layers.0.mlp.experts.0.gate_proj.weight : tensor<4x8xbf16>
// CHECK:         dsc.fp8_gemm {{.*}} @model.layers.0.self_attn.q_proj.weight #fp8
// CHECK-NOT:     experts.0
// CHECK:         dsc.yield

#mla = #dsc.mla<num_attention_heads = 2, q_lora_rank = 0, kv_lora_rank = 4, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.60281409050225632, rope = #dsc.rope<theta = 1.000000e+04, yarn = #dsc.yarn<factor = 4.000000e+00, original_max_position_embeddings = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>>>
#moe = #dsc.moe<n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = group_limited_greedy, n_group = 2, topk_group = 1, routed_scaling_factor = 2.500000e+00, norm_topk_prob = true, bias_balancing = false, bias_update_rate = 0.000000e+00, aux_loss_alpha = 1.000000e-04>
dsc.model @lite vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 256 eps 9.9999999999999995E-7 {
^bb0(%input_ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<8x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.shared_experts.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.shared_experts.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.shared_experts.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.mlp.experts.0.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.0.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.0.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.mlp.experts.1.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.1.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.1.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.mlp.experts.2.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.2.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.2.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.mlp.experts.3.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.3.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.mlp.experts.3.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %1 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %2 = dsc.mla #mla "model.layers.0.self_attn"(%1) : tensor<?x?x8xbf16>
    %3 = dsc.add %h, %2 : tensor<?x?x8xbf16>
    %4 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%3) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.moe' op declares the routed experts of 'model.layers.0.mlp.experts.{e}.gate_proj.weight' one by one; dsc-fp8-quantize needs them stacked (one parameter named with '{e}'), or keep them BF16 with exclude=routed_experts}}
    %5 = dsc.moe #moe "model.layers.0.mlp"(%4) : tensor<?x?x8xbf16>
    %6 = dsc.add %3, %5 : tensor<?x?x8xbf16>
    dsc.yield %6 : tensor<?x?x8xbf16>
  }
  %0 = dsc.rms_norm "model.norm"(%layer0) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%0) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}
