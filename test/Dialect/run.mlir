// RUN: dsc-opt %s | dsc-opt | FileCheck %s

// CHECK: dsc.mesh @train_mesh cluster @node pp 2 dp 4 ep 4
// CHECK-LABEL: dsc.run @train model @micro mesh @train_mesh training seq_len 4096 micro_batch 1 micro_batches 8 zero 1 recipe fp8 moments bf16 recompute false schedule one_f_one_b
// CHECK-LABEL: dsc.run @serve model @micro mesh @serve_mesh inference seq_len 32768 micro_batch 64 micro_batches 1 zero 0 recipe bf16 moments fp32 recompute true schedule one_f_one_b
// CHECK-LABEL: dsc.run @dual model @micro mesh @dual_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule dualpipe
// CHECK-LABEL: dsc.run @laid_out model @micro mesh @laid_out_mesh training {{.*}} schedule one_f_one_b layout <"Et|tmL">
// CHECK-LABEL: dsc.run @v_shape model @micro mesh @v_shape_mesh training {{.*}} schedule zb_v layout <"Et|t||mL">
// CHECK-LABEL: dsc.run @dualpipev model @micro mesh @dualpipev_mesh training {{.*}} schedule dualpipev
// CHECK-LABEL: dsc.run @chunked {{.*}} schedule interleaved_1f1b virtual_stages 3
// CHECK-LABEL: dsc.run @combined {{.*}} schedule one_f_one_b combined dispatch bf16
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
dsc.cluster @node nodes 1 gpus_per_node 8
    gpu <name = "H100", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 450.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20
dsc.mesh @train_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @train model @micro mesh @train_mesh training seq_len 4096 micro_batch 1 micro_batches 8 zero 1 recipe fp8 moments bf16 recompute false schedule one_f_one_b
dsc.mesh @serve_mesh cluster @node pp 1 dp 8 ep 4
dsc.run @serve model @micro mesh @serve_mesh inference seq_len 32768 micro_batch 64 micro_batches 1 zero 0 recipe bf16 moments fp32 recompute true schedule one_f_one_b
dsc.mesh @dual_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @dual model @micro mesh @dual_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule dualpipe
dsc.mesh @laid_out_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @laid_out model @micro mesh @laid_out_mesh training seq_len 4096 micro_batch 1 micro_batches 8 zero 1 recipe fp8 moments bf16 recompute false schedule one_f_one_b layout <"E, t | t, m, L">
dsc.mesh @v_shape_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @v_shape model @micro mesh @v_shape_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule zb_v layout <"Et|t||mL">
dsc.mesh @dualpipev_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @dualpipev model @micro mesh @dualpipev_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule dualpipev
dsc.mesh @chunked_mesh cluster @node pp 2 dp 4 ep 4
dsc.run @chunked model @micro mesh @chunked_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule interleaved_1f1b virtual_stages 3
dsc.mesh @combined_mesh cluster @node pp 1 dp 8 ep 4
dsc.run @combined model @micro mesh @combined_mesh training seq_len 4096 micro_batch 1 micro_batches 4 zero 1 recipe bf16 moments bf16 recompute false schedule one_f_one_b combined dispatch bf16
