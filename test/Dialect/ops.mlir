// RUN: dsc-opt %s --split-input-file | dsc-opt --split-input-file | FileCheck %s

// Round trip of every dsc op and attribute. Each model below verifies (all
// parameters declared with the shapes their readers imply, none unused).

// DeepSeek-V3 style: q_lora_rank > 0, one dense then one MoE layer,
// noaux_tc/sigmoid routing with the e_score_correction_bias parameter,
// stacked `{e}` expert parameters, one MTP module and an MTP-weighted loss.

// CHECK: #mla = #dsc.mla<num_attention_heads = 2, q_lora_rank = 4, kv_lora_rank = 4, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
// CHECK: #moe = #dsc.moe<n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.000000e+00, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.000000e-03, aux_loss_alpha = 1.000000e-04>
// CHECK-LABEL: dsc.model @micro vocab 32 hidden 8 layers 2 dense 1 moe_every 1 mtp 1 max_positions 4096 eps 9.9999999999999995E-7 {
// CHECK-NEXT:  ^bb0(%input_ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
// CHECK-NEXT:    dsc.parameter @model.embed_tokens.weight : tensor<32x8xbf16>
// CHECK:         dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_a_layernorm.weight : tensor<4xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_b_proj.weight : tensor<8x4xbf16>
// CHECK:         dsc.parameter @model.layers.1.mlp.gate.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.gate.e_score_correction_bias : tensor<4xf32>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.up_proj.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight : tensor<8x4xbf16>
// CHECK-NEXT:    dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xbf16>
// CHECK-NEXT:    dsc.parameter @"model.layers.1.mlp.experts.{e}.up_proj.weight" : tensor<4x4x8xbf16>
// CHECK-NEXT:    dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xbf16>
// CHECK:         dsc.parameter @model.layers.2.enorm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.2.hnorm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xbf16>
// CHECK:         %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:    %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xbf16> {
// CHECK-NEXT:    ^bb0(%h: tensor<?x?x8xbf16>):
// CHECK-NEXT:      %[[N0:.*]] = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[A0:.*]] = dsc.mla #mla "model.layers.0.self_attn"(%[[N0]]) : tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[R0:.*]] = dsc.add %h, %[[A0]] : tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[P0:.*]] = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%[[R0]]) : tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[F0:.*]] = dsc.mlp "model.layers.0.mlp"(%[[P0]]) intermediate 16 : tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[O0:.*]] = dsc.add %[[R0]], %[[F0]] : tensor<?x?x8xbf16>
// CHECK-NEXT:      dsc.yield %[[O0]] : tensor<?x?x8xbf16>
// CHECK-NEXT:    }
// CHECK-NEXT:    %layer1 = dsc.block 1(%layer0) : tensor<?x?x8xbf16> {
// CHECK:           dsc.mla #mla "model.layers.1.self_attn"(%{{.*}}) : tensor<?x?x8xbf16>
// CHECK:           dsc.moe #moe "model.layers.1.mlp"(%{{.*}}) : tensor<?x?x8xbf16>
// CHECK:         %[[NORM:.*]] = dsc.rms_norm "model.norm"(%layer1) eps 1.000000e-05 : tensor<?x?x8xbf16>
// CHECK-NEXT:    %logits = dsc.lm_head "lm_head"(%[[NORM]]) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
// CHECK-NEXT:    %mtp1 = dsc.mtp 1 "model.layers.2"(%layer1, %embeddings) : tensor<?x?x8xbf16> {
// CHECK-NEXT:    ^bb0(%projected: tensor<?x?x8xbf16>):
// CHECK-NEXT:      %layer2 = dsc.block 2(%projected) : tensor<?x?x8xbf16> {
// CHECK:             dsc.moe #moe "model.layers.2.mlp"(%{{.*}}) : tensor<?x?x8xbf16>
// CHECK:           dsc.yield %layer2 : tensor<?x?x8xbf16>
// CHECK-NEXT:    }
// CHECK-NEXT:    %[[HNORM:.*]] = dsc.rms_norm "model.layers.2.shared_head.norm"(%mtp1) : tensor<?x?x8xbf16>
// CHECK-NEXT:    %[[MTP_LOGITS:.*]] = dsc.lm_head "lm_head"(%[[HNORM]]) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
// CHECK-NEXT:    %loss = dsc.cross_entropy %logits, %labels mtp(%[[MTP_LOGITS]] : tensor<?x?x32xf32>) weight 3.000000e-01 : tensor<?x?x32xf32>, tensor<?x?xi32> -> tensor<f32>
// CHECK-NEXT:    dsc.yield %logits, %loss : tensor<?x?x32xf32>, tensor<f32>
// CHECK-NEXT:  }

#mla = #dsc.mla<num_attention_heads = 2, q_lora_rank = 4, kv_lora_rank = 4, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
#moe = #dsc.moe<n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.000000e+00, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.000000e-03, aux_loss_alpha = 1.000000e-04>
dsc.model @micro vocab 32 hidden 8 layers 2 dense 1 moe_every 1 mtp 1 max_positions 4096 eps 9.9999999999999995E-7 {
^bb0(%input_ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<32x8xbf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.0.self_attn.q_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.0.self_attn.q_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<16x8xbf16>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x16xbf16>
  dsc.parameter @model.layers.1.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.1.self_attn.q_a_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.1.self_attn.q_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.1.self_attn.q_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.1.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xbf16>
  dsc.parameter @model.layers.1.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.1.self_attn.kv_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.1.self_attn.o_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.1.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.1.mlp.gate.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.1.mlp.gate.e_score_correction_bias : tensor<4xf32>
  dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.1.mlp.shared_experts.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xbf16>
  dsc.parameter @"model.layers.1.mlp.experts.{e}.up_proj.weight" : tensor<4x4x8xbf16>
  dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xbf16>
  dsc.parameter @model.norm.weight : tensor<8xbf16>
  dsc.parameter @lm_head.weight : tensor<32x8xbf16>
  dsc.parameter @model.layers.2.enorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.2.hnorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @model.layers.2.input_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.2.self_attn.q_a_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.2.self_attn.q_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.2.self_attn.q_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.2.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xbf16>
  dsc.parameter @model.layers.2.self_attn.kv_a_layernorm.weight : tensor<4xbf16>
  dsc.parameter @model.layers.2.self_attn.kv_b_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.2.self_attn.o_proj.weight : tensor<8x4xbf16>
  dsc.parameter @model.layers.2.post_attention_layernorm.weight : tensor<8xbf16>
  dsc.parameter @model.layers.2.mlp.gate.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.2.mlp.gate.e_score_correction_bias : tensor<4xf32>
  dsc.parameter @model.layers.2.mlp.shared_experts.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.2.mlp.shared_experts.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @model.layers.2.mlp.shared_experts.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @"model.layers.2.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xbf16>
  dsc.parameter @"model.layers.2.mlp.experts.{e}.up_proj.weight" : tensor<4x4x8xbf16>
  dsc.parameter @"model.layers.2.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xbf16>
  dsc.parameter @model.layers.2.shared_head.norm.weight : tensor<8xbf16>
  %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %2 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %3 = dsc.mla #mla "model.layers.0.self_attn"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
    %5 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
    %6 = dsc.mlp "model.layers.0.mlp"(%5) intermediate 16 : tensor<?x?x8xbf16>
    %7 = dsc.add %4, %6 : tensor<?x?x8xbf16>
    dsc.yield %7 : tensor<?x?x8xbf16>
  }
  %layer1 = dsc.block 1(%layer0) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %2 = dsc.rms_norm "model.layers.1.input_layernorm"(%h) : tensor<?x?x8xbf16>
    %3 = dsc.mla #mla "model.layers.1.self_attn"(%2) : tensor<?x?x8xbf16>
    %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
    %5 = dsc.rms_norm "model.layers.1.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
    %6 = dsc.moe #moe "model.layers.1.mlp"(%5) : tensor<?x?x8xbf16>
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
      %3 = dsc.mla #mla "model.layers.2.self_attn"(%2) : tensor<?x?x8xbf16>
      %4 = dsc.add %h, %3 : tensor<?x?x8xbf16>
      %5 = dsc.rms_norm "model.layers.2.post_attention_layernorm"(%4) : tensor<?x?x8xbf16>
      %6 = dsc.moe #moe "model.layers.2.mlp"(%5) : tensor<?x?x8xbf16>
      %7 = dsc.add %4, %6 : tensor<?x?x8xbf16>
      dsc.yield %7 : tensor<?x?x8xbf16>
    }
    dsc.yield %layer2 : tensor<?x?x8xbf16>
  }
  %1 = dsc.rms_norm "model.layers.2.shared_head.norm"(%mtp1) : tensor<?x?x8xbf16>
  %logits_0 = dsc.lm_head "lm_head"(%1) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
  %loss = dsc.cross_entropy %logits, %labels mtp(%logits_0 : tensor<?x?x32xf32>) weight 3.000000e-01 : tensor<?x?x32xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x32xf32>, tensor<f32>
}

// -----

// DeepSeek-V2-Lite style: full q_proj (q_lora_rank = 0), YaRN RoPE (written
// fully qualified, printed stripped), softmax/group_limited_greedy routing
// without a bias parameter, routed experts declared one tensor per expert,
// and a loss without MTP.

// CHECK: #mla = #dsc.mla<num_attention_heads = 2, q_lora_rank = 0, kv_lora_rank = 4, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.60281409050225632, rope = <theta = 1.000000e+04, yarn = <factor = 4.000000e+00, original_max_position_embeddings = 64, beta_fast = 3.200000e+01, beta_slow = 1.000000e+00, mscale = 7.070000e-01, mscale_all_dim = 7.070000e-01>>>
// CHECK: #moe = #dsc.moe<n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = group_limited_greedy, n_group = 2, topk_group = 1, routed_scaling_factor = 2.500000e+00, norm_topk_prob = true, bias_balancing = false, bias_update_rate = 0.000000e+00, aux_loss_alpha = 1.000000e-04>
// CHECK-LABEL: dsc.model @lite vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 256 eps 9.9999999999999995E-7 {
// CHECK:         dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<8x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<6x8xbf16>
// CHECK:         dsc.parameter @model.layers.0.mlp.gate.weight : tensor<4x8xbf16>
// CHECK-NOT:     e_score_correction_bias
// CHECK:         dsc.parameter @model.layers.0.mlp.experts.0.gate_proj.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.mlp.experts.0.up_proj.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.mlp.experts.0.down_proj.weight : tensor<8x4xbf16>
// CHECK:         dsc.parameter @model.layers.0.mlp.experts.3.down_proj.weight : tensor<8x4xbf16>
// CHECK:         %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xbf16> {
// CHECK:           dsc.mla #mla "model.layers.0.self_attn"(%{{.*}}) : tensor<?x?x8xbf16>
// CHECK:           dsc.moe #moe "model.layers.0.mlp"(%{{.*}}) : tensor<?x?x8xbf16>
// CHECK:         %logits = dsc.lm_head "lm_head"(%{{.*}}) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
// CHECK-NEXT:    %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
// CHECK-NEXT:    dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>

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
    %5 = dsc.moe #moe "model.layers.0.mlp"(%4) : tensor<?x?x8xbf16>
    %6 = dsc.add %3, %5 : tensor<?x?x8xbf16>
    dsc.yield %6 : tensor<?x?x8xbf16>
  }
  %0 = dsc.rms_norm "model.norm"(%layer0) : tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%0) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// DeepSeek-V2 style greedy/softmax routing without shared experts (so no
// shared_experts parameters) and moe_layer_freq 2 (layer 0 MoE, layer 1
// dense); f16 activations, f32/f8 parameters (E4M3 weights with their
// `_scale_inv` block scales, 128 x 128 blocks without an FP8 recipe).

// CHECK: #mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 4, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
// CHECK: #moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.000000e+00, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.000000e+00, aux_loss_alpha = 1.000000e-04>
// CHECK-LABEL: dsc.model @greedy vocab 16 hidden 8 layers 2 dense 0 moe_every 2 mtp 0 max_positions 128 eps 9.9999999999999995E-7 {
// CHECK:         dsc.parameter @model.layers.0.mlp.gate.weight : tensor<2x8xf32>
// CHECK-NEXT:    dsc.parameter @"model.layers.0.mlp.experts.{e}.gate_proj.weight" : tensor<2x4x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @"model.layers.0.mlp.experts.{e}.gate_proj.weight_scale_inv" : tensor<2x1x1xf32>
// CHECK-NEXT:    dsc.parameter @"model.layers.0.mlp.experts.{e}.up_proj.weight" : tensor<2x4x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @"model.layers.0.mlp.experts.{e}.up_proj.weight_scale_inv" : tensor<2x1x1xf32>
// CHECK-NEXT:    dsc.parameter @"model.layers.0.mlp.experts.{e}.down_proj.weight" : tensor<2x8x4xf8E5M2>
// CHECK:         %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xf16> {
// CHECK:           dsc.moe #moe "model.layers.0.mlp"(%{{.*}}) : tensor<?x?x8xf16>
// CHECK:         %layer1 = dsc.block 1(%layer0) : tensor<?x?x8xf16> {
// CHECK:           dsc.mlp "model.layers.1.mlp"(%{{.*}}) intermediate 16 : tensor<?x?x8xf16>

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 4, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.000000e+00, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.000000e+00, aux_loss_alpha = 1.000000e-04>
dsc.model @greedy vocab 16 hidden 8 layers 2 dense 0 moe_every 2 mtp 0 max_positions 128 eps 9.9999999999999995E-7 {
^bb0(%input_ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xf16>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xf16>
  dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xf16>
  dsc.parameter @model.layers.0.self_attn.q_a_layernorm.weight : tensor<4xf16>
  dsc.parameter @model.layers.0.self_attn.q_b_proj.weight : tensor<4x4xf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xf16>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xf16>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xf16>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xf16>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xf16>
  dsc.parameter @model.layers.0.mlp.gate.weight : tensor<2x8xf32>
  dsc.parameter @"model.layers.0.mlp.experts.{e}.gate_proj.weight" : tensor<2x4x8xf8E4M3FN>
  dsc.parameter @"model.layers.0.mlp.experts.{e}.gate_proj.weight_scale_inv" : tensor<2x1x1xf32>
  dsc.parameter @"model.layers.0.mlp.experts.{e}.up_proj.weight" : tensor<2x4x8xf8E4M3FN>
  dsc.parameter @"model.layers.0.mlp.experts.{e}.up_proj.weight_scale_inv" : tensor<2x1x1xf32>
  dsc.parameter @"model.layers.0.mlp.experts.{e}.down_proj.weight" : tensor<2x8x4xf8E5M2>
  dsc.parameter @model.layers.1.input_layernorm.weight : tensor<8xf16>
  dsc.parameter @model.layers.1.self_attn.q_a_proj.weight : tensor<4x8xf16>
  dsc.parameter @model.layers.1.self_attn.q_a_layernorm.weight : tensor<4xf16>
  dsc.parameter @model.layers.1.self_attn.q_b_proj.weight : tensor<4x4xf16>
  dsc.parameter @model.layers.1.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xf16>
  dsc.parameter @model.layers.1.self_attn.kv_a_layernorm.weight : tensor<2xf16>
  dsc.parameter @model.layers.1.self_attn.kv_b_proj.weight : tensor<4x2xf16>
  dsc.parameter @model.layers.1.self_attn.o_proj.weight : tensor<8x2xf16>
  dsc.parameter @model.layers.1.post_attention_layernorm.weight : tensor<8xf16>
  dsc.parameter @model.layers.1.mlp.gate_proj.weight : tensor<16x8xf16>
  dsc.parameter @model.layers.1.mlp.up_proj.weight : tensor<16x8xf16>
  dsc.parameter @model.layers.1.mlp.down_proj.weight : tensor<8x16xf16>
  dsc.parameter @model.norm.weight : tensor<8xf16>
  dsc.parameter @lm_head.weight : tensor<16x8xf16>
  %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi32> -> tensor<?x?x8xf16>
  %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xf16> {
  ^bb0(%h: tensor<?x?x8xf16>):
    %1 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xf16>
    %2 = dsc.mla #mla "model.layers.0.self_attn"(%1) : tensor<?x?x8xf16>
    %3 = dsc.add %h, %2 : tensor<?x?x8xf16>
    %4 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%3) : tensor<?x?x8xf16>
    %5 = dsc.moe #moe "model.layers.0.mlp"(%4) : tensor<?x?x8xf16>
    %6 = dsc.add %3, %5 : tensor<?x?x8xf16>
    dsc.yield %6 : tensor<?x?x8xf16>
  }
  %layer1 = dsc.block 1(%layer0) : tensor<?x?x8xf16> {
  ^bb0(%h: tensor<?x?x8xf16>):
    %1 = dsc.rms_norm "model.layers.1.input_layernorm"(%h) : tensor<?x?x8xf16>
    %2 = dsc.mla #mla "model.layers.1.self_attn"(%1) : tensor<?x?x8xf16>
    %3 = dsc.add %h, %2 : tensor<?x?x8xf16>
    %4 = dsc.rms_norm "model.layers.1.post_attention_layernorm"(%3) : tensor<?x?x8xf16>
    %5 = dsc.mlp "model.layers.1.mlp"(%4) intermediate 16 : tensor<?x?x8xf16>
    %6 = dsc.add %3, %5 : tensor<?x?x8xf16>
    dsc.yield %6 : tensor<?x?x8xf16>
  }
  %0 = dsc.rms_norm "model.norm"(%layer1) : tensor<?x?x8xf16>
  %logits = dsc.lm_head "lm_head"(%0) : tensor<?x?x8xf16> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}

// -----

// Dense-only model (no #dsc.moe) with a chain of two MTP modules, i64
// tokens and f32 activations; the first dsc.mla writes its #dsc.mla inline
// in the stripped form.

// CHECK: #mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
// CHECK-NOT: #moe
// CHECK-LABEL: dsc.model @dense vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 2 max_positions 64 eps 9.9999999999999995E-7 {
// CHECK-NEXT:  ^bb0(%input_ids: tensor<?x?xi64>, %labels: tensor<?x?xi64>):
// CHECK:         %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi64> -> tensor<?x?x8xf32>
// CHECK:           dsc.mla #mla "model.layers.0.self_attn"(%{{.*}}) : tensor<?x?x8xf32>
// CHECK:         %logits = dsc.lm_head "lm_head"(%{{.*}}) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
// CHECK-NEXT:    %mtp1 = dsc.mtp 1 "model.layers.1"(%layer0, %embeddings) : tensor<?x?x8xf32> {
// CHECK:             dsc.mlp "model.layers.1.mlp"(%{{.*}}) intermediate 4 : tensor<?x?x8xf32>
// CHECK:         %[[L1:.*]] = dsc.lm_head "lm_head"(%{{.*}}) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
// CHECK-NEXT:    %mtp2 = dsc.mtp 2 "model.layers.2"(%mtp1, %embeddings) : tensor<?x?x8xf32> {
// CHECK-NEXT:    ^bb0(%projected: tensor<?x?x8xf32>):
// CHECK-NEXT:      %layer2 = dsc.block 2(%projected) : tensor<?x?x8xf32> {
// CHECK:         %[[L2:.*]] = dsc.lm_head "lm_head"(%{{.*}}) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
// CHECK-NEXT:    %loss = dsc.cross_entropy %logits, %labels mtp(%[[L1]], %[[L2]] : tensor<?x?x16xf32>, tensor<?x?x16xf32>) weight 3.000000e-01 : tensor<?x?x16xf32>, tensor<?x?xi64> -> tensor<f32>
// CHECK-NEXT:    dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
dsc.model @dense vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 2 max_positions 64 eps 9.9999999999999995E-7 {
^bb0(%input_ids: tensor<?x?xi64>, %labels: tensor<?x?xi64>):
  dsc.parameter @model.embed_tokens.weight : tensor<16x8xf32>
  dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.0.self_attn.kv_a_layernorm.weight : tensor<2xf32>
  dsc.parameter @model.layers.0.self_attn.kv_b_proj.weight : tensor<4x2xf32>
  dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x2xf32>
  dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.0.mlp.up_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.0.mlp.down_proj.weight : tensor<8x4xf32>
  dsc.parameter @model.norm.weight : tensor<8xf32>
  dsc.parameter @lm_head.weight : tensor<16x8xf32>
  dsc.parameter @model.layers.1.enorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.1.hnorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.1.eh_proj.weight : tensor<8x16xf32>
  dsc.parameter @model.layers.1.input_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.1.self_attn.q_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.1.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.1.self_attn.kv_a_layernorm.weight : tensor<2xf32>
  dsc.parameter @model.layers.1.self_attn.kv_b_proj.weight : tensor<4x2xf32>
  dsc.parameter @model.layers.1.self_attn.o_proj.weight : tensor<8x2xf32>
  dsc.parameter @model.layers.1.post_attention_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.1.mlp.gate_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.1.mlp.up_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.1.mlp.down_proj.weight : tensor<8x4xf32>
  dsc.parameter @model.layers.1.shared_head.norm.weight : tensor<8xf32>
  dsc.parameter @model.layers.2.enorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.2.hnorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xf32>
  dsc.parameter @model.layers.2.input_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.2.self_attn.q_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.2.self_attn.kv_a_proj_with_mqa.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.2.self_attn.kv_a_layernorm.weight : tensor<2xf32>
  dsc.parameter @model.layers.2.self_attn.kv_b_proj.weight : tensor<4x2xf32>
  dsc.parameter @model.layers.2.self_attn.o_proj.weight : tensor<8x2xf32>
  dsc.parameter @model.layers.2.post_attention_layernorm.weight : tensor<8xf32>
  dsc.parameter @model.layers.2.mlp.gate_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.2.mlp.up_proj.weight : tensor<4x8xf32>
  dsc.parameter @model.layers.2.mlp.down_proj.weight : tensor<8x4xf32>
  dsc.parameter @model.layers.2.shared_head.norm.weight : tensor<8xf32>
  %embeddings = dsc.embedding "model.embed_tokens"(%input_ids) : tensor<?x?xi64> -> tensor<?x?x8xf32>
  %layer0 = dsc.block 0(%embeddings) : tensor<?x?x8xf32> {
  ^bb0(%h: tensor<?x?x8xf32>):
    %3 = dsc.rms_norm "model.layers.0.input_layernorm"(%h) : tensor<?x?x8xf32>
    %4 = dsc.mla <num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>> "model.layers.0.self_attn"(%3) : tensor<?x?x8xf32>
    %5 = dsc.add %h, %4 : tensor<?x?x8xf32>
    %6 = dsc.rms_norm "model.layers.0.post_attention_layernorm"(%5) : tensor<?x?x8xf32>
    %7 = dsc.mlp "model.layers.0.mlp"(%6) intermediate 4 : tensor<?x?x8xf32>
    %8 = dsc.add %5, %7 : tensor<?x?x8xf32>
    dsc.yield %8 : tensor<?x?x8xf32>
  }
  %0 = dsc.rms_norm "model.norm"(%layer0) : tensor<?x?x8xf32>
  %logits = dsc.lm_head "lm_head"(%0) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
  %mtp1 = dsc.mtp 1 "model.layers.1"(%layer0, %embeddings) : tensor<?x?x8xf32> {
  ^bb0(%projected: tensor<?x?x8xf32>):
    %layer1 = dsc.block 1(%projected) : tensor<?x?x8xf32> {
    ^bb0(%h: tensor<?x?x8xf32>):
      %3 = dsc.rms_norm "model.layers.1.input_layernorm"(%h) : tensor<?x?x8xf32>
      %4 = dsc.mla #mla "model.layers.1.self_attn"(%3) : tensor<?x?x8xf32>
      %5 = dsc.add %h, %4 : tensor<?x?x8xf32>
      %6 = dsc.rms_norm "model.layers.1.post_attention_layernorm"(%5) : tensor<?x?x8xf32>
      %7 = dsc.mlp "model.layers.1.mlp"(%6) intermediate 4 : tensor<?x?x8xf32>
      %8 = dsc.add %5, %7 : tensor<?x?x8xf32>
      dsc.yield %8 : tensor<?x?x8xf32>
    }
    dsc.yield %layer1 : tensor<?x?x8xf32>
  }
  %1 = dsc.rms_norm "model.layers.1.shared_head.norm"(%mtp1) : tensor<?x?x8xf32>
  %logits_0 = dsc.lm_head "lm_head"(%1) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
  %mtp2 = dsc.mtp 2 "model.layers.2"(%mtp1, %embeddings) : tensor<?x?x8xf32> {
  ^bb0(%projected: tensor<?x?x8xf32>):
    %layer2 = dsc.block 2(%projected) : tensor<?x?x8xf32> {
    ^bb0(%h: tensor<?x?x8xf32>):
      %3 = dsc.rms_norm "model.layers.2.input_layernorm"(%h) : tensor<?x?x8xf32>
      %4 = dsc.mla #mla "model.layers.2.self_attn"(%3) : tensor<?x?x8xf32>
      %5 = dsc.add %h, %4 : tensor<?x?x8xf32>
      %6 = dsc.rms_norm "model.layers.2.post_attention_layernorm"(%5) : tensor<?x?x8xf32>
      %7 = dsc.mlp "model.layers.2.mlp"(%6) intermediate 4 : tensor<?x?x8xf32>
      %8 = dsc.add %5, %7 : tensor<?x?x8xf32>
      dsc.yield %8 : tensor<?x?x8xf32>
    }
    dsc.yield %layer2 : tensor<?x?x8xf32>
  }
  %2 = dsc.rms_norm "model.layers.2.shared_head.norm"(%mtp2) : tensor<?x?x8xf32>
  %logits_1 = dsc.lm_head "lm_head"(%2) : tensor<?x?x8xf32> -> tensor<?x?x16xf32>
  %loss = dsc.cross_entropy %logits, %labels mtp(%logits_0, %logits_1 : tensor<?x?x16xf32>, tensor<?x?x16xf32>) weight 3.000000e-01 : tensor<?x?x16xf32>, tensor<?x?xi64> -> tensor<f32>
  dsc.yield %logits, %loss : tensor<?x?x16xf32>, tensor<f32>
}
