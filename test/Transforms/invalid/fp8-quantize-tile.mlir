// RUN: dsc-opt %s --dsc-fp8-quantize="act-tile=96" -verify-diagnostics

// The default promotion interval (128) spans two 1 x 96 activation tiles,
// whose scales differ: the partial sum could not be scaled when promoted.
#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 5.000000e-01, rope = <theta = 1.000000e+04>>
// expected-error @+1 {{'promote' (128) must divide 'act-tile' (96): partial sums are scaled when promoted, so one interval cannot span two scales; use promote=32}}
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
