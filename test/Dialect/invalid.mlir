// RUN: dsc-opt %s -split-input-file -verify-diagnostics

// One case per user-facing diagnostic of the dsc dialect: attribute
// verifiers (reported at the attribute), ODS type constraints, op verifiers
// and the whole-model checks of dsc.model.

// #dsc.moe: a bool parameter that is not true/false (parseBoolParameter)

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+2 {{expected 'true' or 'false'}}
  // expected-error @+1 {{failed to parse Dsc_MoEAttr parameter 'norm_topk_prob' which is to be a `bool`}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = 1, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: factor below 1

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{YaRN 'factor' must be at least 1 (1 means no extension), got 5.000000e-01}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 0.5, original_max_position_embeddings = 64, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 0.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: original_max_position_embeddings <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{'original_max_position_embeddings' must be positive, got 0}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 4.0, original_max_position_embeddings = 0, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 0.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: beta_slow <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{'beta_slow' must be positive, got 0.000000e+00}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 4.0, original_max_position_embeddings = 64, beta_fast = 32.0, beta_slow = 0.0, mscale = 1.0, mscale_all_dim = 0.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: mscale <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{'mscale' must be positive, got 0.000000e+00}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 4.0, original_max_position_embeddings = 64, beta_fast = 32.0, beta_slow = 1.0, mscale = 0.0, mscale_all_dim = 0.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: negative mscale_all_dim

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{'mscale_all_dim' must not be negative, got -1.000000e+00}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 4.0, original_max_position_embeddings = 64, beta_fast = 32.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = -1.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.yarn: beta_fast must exceed beta_slow

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+3 {{YaRN 'beta_fast' (1.000000e+00) must exceed 'beta_slow' (1.000000e+00): they bound the interpolated frequency band}}
  // expected-error @+2 {{failed to parse Dsc_RopeAttr parameter 'yarn' which is to be a `::dsc::YarnAttr`}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0, yarn = <factor = 4.0, original_max_position_embeddings = 64, beta_fast = 1.0, beta_slow = 1.0, mscale = 1.0, mscale_all_dim = 0.0>>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.rope: theta <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+2 {{'theta' must be positive, got 0.000000e+00}}
  // expected-error @+1 {{failed to parse Dsc_MLAAttr parameter 'rope' which is to be a `::dsc::RopeAttr`}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 0.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: num_attention_heads <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'num_attention_heads' must be positive, got 0}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 0, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: negative q_lora_rank (0 is allowed: full q_proj)

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'q_lora_rank' must not be negative, got -1}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = -1, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: kv_lora_rank <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'kv_lora_rank' must be positive, got 0}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 0, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: qk_nope_head_dim <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'qk_nope_head_dim' must be positive, got 0}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 0, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: qk_rope_head_dim <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'qk_rope_head_dim' must be positive, got 0}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 0, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: v_head_dim <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'v_head_dim' must be positive, got 0}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 0, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: softmax_scale <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'softmax_scale' must be positive, got -5.000000e-01}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = -0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: odd qk_rope_head_dim

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'qk_rope_head_dim' must be even (RoPE rotates pairs of channels), got 3}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 3, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.mla: missing rope (a required parameter: the parser reports it)

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{expected ','}}
  %y = dsc.mla #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5> "attn"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: n_routed_experts <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'n_routed_experts' must be positive, got 0}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 0, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: negative n_shared_experts

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'n_shared_experts' must not be negative, got -1}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = -1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: num_experts_per_tok <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'num_experts_per_tok' must be positive, got 0}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 0, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: moe_intermediate_size <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'moe_intermediate_size' must be positive, got 0}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 0, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: n_group <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'n_group' must be positive, got 0}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 0, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: topk_group <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'topk_group' must be positive, got 0}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 0, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: routed_scaling_factor <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'routed_scaling_factor' must be positive, got 0.000000e+00}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 0.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: negative bias_update_rate

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'bias_update_rate' must not be negative, got -1.000000e-03}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = -0.001, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: negative aux_loss_alpha

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'aux_loss_alpha' must not be negative, got -1.000000e-04}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = -0.0001> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: num_experts_per_tok > n_routed_experts

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'num_experts_per_tok' (8) exceeds 'n_routed_experts' (4); lower num_experts_per_tok}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 8, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: topk_group > n_group

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'topk_group' (3) exceeds 'n_group' (2); a token can only use groups that exist: lower topk_group}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = group_limited_greedy, n_group = 2, topk_group = 3, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: n_routed_experts not divisible by n_group

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'n_routed_experts' (4) is not divisible by 'n_group' (3); every expert group must have the same size}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = softmax, topk_method = group_limited_greedy, n_group = 3, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: num_experts_per_tok beyond the topk_group selected groups

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'num_experts_per_tok' (3) exceeds the 2 experts in the 'topk_group' (1) selected groups; raise topk_group}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 3, moe_intermediate_size = 4, scoring_func = softmax, topk_method = group_limited_greedy, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: noaux_tc needs at least 2 experts per group

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'noaux_tc' scores a group by its top-2 experts, so every group needs at least 2 experts (have 1); lower n_group}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 4, topk_group = 2, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// #dsc.moe: bias_balancing without noaux_tc

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'bias_balancing' needs 'topk_method = noaux_tc' (only that method adds the balancing bias when selecting experts); change the method or set bias_balancing = false}}
  %y = dsc.moe #dsc.moe<n_routed_experts = 4, n_shared_experts = 0, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = group_limited_greedy, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 0.001, aux_loss_alpha = 0.0> "moe"(%x) : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// activation type with a static batch dimension

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.embedding' op result #0 must be activation tensor<?x?xNxT> (dynamic batch and sequence, static N, T = bf16, f16, f32 or f8E4M3FN), but got 'tensor<2x?x8xbf16>'}}
  %y = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<2x?x8xbf16>
  dsc.yield
}

// -----

// activation type with an integer element type

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.add' op operand #0 must be activation tensor<?x?xNxT> (dynamic batch and sequence, static N, T = bf16, f16, f32 or f8E4M3FN), but got 'tensor<?x?xi32>'}}
  %y = dsc.add %ids, %ids : tensor<?x?xi32>
  dsc.yield
}

// -----

// token tensor of f32

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xf32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.embedding' op operand #0 must be token tensor<?x?xi32> or tensor<?x?xi64>, but got 'tensor<?x?xf32>'}}
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xf32> -> tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// loss that is not tensor<f32>

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %logits = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x16xf32>
  // expected-error @+1 {{'dsc.cross_entropy' op result #0 must be tensor<f32>, but got 'tensor<f16>'}}
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f16>
  dsc.yield
}

// -----

// parameter with a dynamic shape

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.parameter' op attribute 'type' failed to satisfy constraint: type attribute of statically shaped tensor of bf16, f16, f32, f8E4M3FN or f8E5M2}}
  dsc.parameter @embed.weight : tensor<?x8xbf16>
  dsc.yield
}

// -----

// parameter with an i8 element type

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.parameter' op attribute 'type' failed to satisfy constraint: type attribute of statically shaped tensor of bf16, f16, f32, f8E4M3FN or f8E5M2}}
  dsc.parameter @embed.weight : tensor<16x8xi8>
  dsc.yield
}

// -----

// parameter outside a model

// expected-error @+1 {{'dsc.parameter' op expects parent op 'dsc.model'}}
dsc.parameter @embed.weight : tensor<16x8xbf16>

// -----

// two parameters with the same name

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-note @+1 {{see existing symbol definition here}}
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  // expected-error @+1 {{redefinition of symbol named 'embed.weight'}}
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.yield
}

// -----

// parameter owner outside a model (module bodies are graph regions, so the op can take its own result)

// expected-error @+1 {{'dsc.rms_norm' op must be inside a 'dsc.model', which declares the parameters it reads}}
%y = dsc.rms_norm "norm"(%y) : tensor<?x?x8xbf16>

// -----

// MTP module outside a model: the parameter-owner check fires first

// expected-error @+1 {{'dsc.mtp' op must be inside a 'dsc.model', which declares the parameters it reads}}
%y = dsc.mtp 1 "mtp1"(%y, %y) : tensor<?x?x8xbf16> {
^bb0(%p: tensor<?x?x8xbf16>):
  dsc.yield %p : tensor<?x?x8xbf16>
}

// -----

// parameter with an empty name

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.parameter' op needs a checkpoint tensor name}}
  dsc.parameter @"" : tensor<16x8xbf16>
  dsc.yield
}

// -----

// stacked expert parameter with {e} twice

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.parameter' op name 'l0.moe.experts.{e}.{e}.weight' must contain '{e}' exactly once (it stands for the routed-expert index)}}
  dsc.parameter @"l0.moe.experts.{e}.{e}.weight" : tensor<2x4x8xbf16>
  dsc.yield
}

// -----

// stacked expert parameter without the leading expert dimension

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{'dsc.parameter' op is a stacked routed-expert parameter ('{e}' in its name) and needs the expert count as an extra leading dimension}}
  dsc.parameter @"l0.moe.experts.{e}.bias" : tensor<4xbf16>
  dsc.yield
}

// -----

// block body argument of the wrong type

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op body must take one argument of type 'tensor<?x?x8xbf16>' (the block input)}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xf32>):
    dsc.yield %h : tensor<?x?x8xf32>
  }
  dsc.yield
}

// -----

// block body that yields nothing

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op body must end with 'dsc.yield' of one value of type 'tensor<?x?x8xbf16>'}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield
  }
  dsc.yield
}

// -----

// block without attention

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op must contain exactly one 'dsc.mla' and one 'dsc.mlp' or 'dsc.moe'; found 0 attention and 1 feed-forward ops}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %f = dsc.mlp "l0.mlp"(%h) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// block with two feed-forward ops

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op must contain exactly one 'dsc.mla' and one 'dsc.mlp' or 'dsc.moe'; found 1 attention and 2 feed-forward ops}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    %g = dsc.mlp "l0.mlp2"(%f) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %g : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP module inside a model but not directly in its body (the only way to reach MTPOp's own 'must be inside' message)

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    // expected-error @+1 {{'dsc.mtp' op must be directly in the body of a 'dsc.model', after the main model's blocks: an MTP module predicts extra tokens from the main model's hidden state}}
    %mtp1 = dsc.mtp 1 "mtp1"(%h, %h) : tensor<?x?x8xbf16> {
    ^bb0(%p: tensor<?x?x8xbf16>):
      dsc.yield %p : tensor<?x?x8xbf16>
    }
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP depth 0

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op depth must be at least 1, got -1}}
  %mtp0 = dsc.mtp -1 "mtp0"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP module without a main model: depth 1 must be fed by a dsc.block

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.mtp' op at depth 1 needs a main model: its hidden input must be the result of the main model's last 'dsc.block'}}
  %mtp1 = dsc.mtp 1 "mtp1"(%x, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP depth 2 not fed by the depth-1 module

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op at depth 2 must take the output of the depth 1 MTP module as its hidden input}}
  %mtp2 = dsc.mtp 2 "mtp2"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP embeddings not from dsc.embedding

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op shares the main model's embedding: its second input must be the result of 'dsc.embedding'}}
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %b0) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP body argument of the wrong type

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op body must take one argument of type 'tensor<?x?x8xbf16>' (the eh_proj output)}}
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xf32>):
    dsc.yield %p : tensor<?x?x8xf32>
  }
  dsc.yield
}

// -----

// MTP body that yields nothing

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op body must end with 'dsc.yield' of one value of type 'tensor<?x?x8xbf16>'}}
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    dsc.yield
  }
  dsc.yield
}

// -----

// MTP body without a decoder block

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op body must hold exactly one 'dsc.block' (the MTP module's transformer block)}}
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    dsc.yield %p : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// rms_norm eps <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.rms_norm' op eps must be positive, got 0.000000e+00}}
  %y = dsc.rms_norm "norm"(%x) eps 0.0 : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// mlp intermediate size <= 0

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.mlp' op intermediate size must be positive, got -4}}
  %y = dsc.mlp "mlp"(%x) intermediate -4 : tensor<?x?x8xbf16>
  dsc.yield
}

// -----

// lm_head vocabulary size != the model vocab_size

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.lm_head' op produces 32 logits per token but the model's vocab_size is 16}}
  %logits = dsc.lm_head "lm_head"(%x) : tensor<?x?x8xbf16> -> tensor<?x?x32xf32>
  dsc.yield
}

// -----

// cross_entropy MTP logits of another type than the main logits

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%x) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  %other = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x16xbf16>
  // expected-error @+1 {{'dsc.cross_entropy' op MTP logits must have the main logits' type 'tensor<?x?x16xf32>', got 'tensor<?x?x16xbf16>'}}
  %loss = dsc.cross_entropy %logits, %labels mtp(%other : tensor<?x?x16xbf16>) weight 0.3 : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield
}

// -----

// cross_entropy with MTP logits but no weight

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%x) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  // expected-error @+1 {{'dsc.cross_entropy' op needs 'weight' (the MTP loss weight lambda) exactly when it has MTP logits}}
  %loss = dsc.cross_entropy %logits, %labels mtp(%logits : tensor<?x?x16xf32>) : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield
}

// -----

// cross_entropy with a weight but no MTP logits

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%x) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  // expected-error @+1 {{'dsc.cross_entropy' op needs 'weight' (the MTP loss weight lambda) exactly when it has MTP logits}}
  %loss = dsc.cross_entropy %logits, %labels weight 0.3 : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield
}

// -----

// cross_entropy with a negative MTP weight

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %logits = dsc.lm_head "lm_head"(%x) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  // expected-error @+1 {{'dsc.cross_entropy' op MTP loss weight must not be negative, got -3.000000e-01}}
  %loss = dsc.cross_entropy %logits, %labels mtp(%logits : tensor<?x?x16xf32>) weight -0.3 : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield
}

// -----

// vocab_size <= 0

// expected-error @+1 {{'dsc.model' op 'vocab_size' must be positive, got 0}}
dsc.model @m vocab 0 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// hidden_size <= 0

// expected-error @+1 {{'dsc.model' op 'hidden_size' must be positive, got 0}}
dsc.model @m vocab 16 hidden 0 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// num_hidden_layers <= 0

// expected-error @+1 {{'dsc.model' op 'num_hidden_layers' must be positive, got 0}}
dsc.model @m vocab 16 hidden 8 layers 0 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// moe_layer_freq < 0 (0 means a dense model)

// expected-error @+1 {{'dsc.model' op 'moe_layer_freq' must not be negative, got -1 (0 means no MoE layers)}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every -1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// max_position_embeddings <= 0

// expected-error @+1 {{'dsc.model' op 'max_position_embeddings' must be positive, got 0}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 0 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// first_k_dense_replace > num_hidden_layers

// expected-error @+1 {{'dsc.model' op 'first_k_dense_replace' (2) must be between 0 and 'num_hidden_layers' (1)}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 2 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// negative first_k_dense_replace

// expected-error @+1 {{'dsc.model' op 'first_k_dense_replace' (-1) must be between 0 and 'num_hidden_layers' (1)}}
dsc.model @m vocab 16 hidden 8 layers 1 dense -1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// negative num_nextn_predict_layers

// expected-error @+1 {{'dsc.model' op 'num_nextn_predict_layers' must not be negative}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp -1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// rms_norm_eps <= 0

// expected-error @+1 {{'dsc.model' op 'rms_norm_eps' must be positive}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 0.0 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.yield
}

// -----

// body arguments that are not token tensors

// expected-error @+1 {{'dsc.model' op body must take two token tensors (input ids and labels), e.g. '^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>)'}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xf32>):
  dsc.yield
}

// -----

// one body argument

// expected-error @+1 {{'dsc.model' op body must take two token tensors (input ids and labels), e.g. '^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>)'}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>):
  dsc.yield
}

// -----

// model body without a terminator

dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  // expected-error @+1 {{block with no terminator}}
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
}

// -----

// block count != num_hidden_layers

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
// expected-error @+1 {{'dsc.model' op has 1 decoder block but 'num_hidden_layers' is 2}}
dsc.model @m vocab 16 hidden 8 layers 2 dense 2 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// blocks numbered out of order

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op has index -1 but is decoder layer 0 of the model; blocks must be numbered 0, 1, ... in order}}
  %b0 = dsc.block -1(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// block hidden size != the model hidden_size (everything else is consistently 16 wide)

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x16xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x16xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x16xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<16x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x16xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x16xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<16x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x16xbf16>
  // expected-error @+1 {{'dsc.block' op works on hidden size 16 but the model's hidden_size is 8}}
  %b0 = dsc.block 0(%x) : tensor<?x?x16xbf16> {
  ^bb0(%h: tensor<?x?x16xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x16xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x16xbf16>
    dsc.yield %f : tensor<?x?x16xbf16>
  }
  dsc.yield
}

// -----

// dense block where the model wants an MoE

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op uses a dense MLP but layer 0 should use an MoE (first_k_dense_replace = 0, moe_layer_freq = 1)}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MoE block where the model wants a dense MLP

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.moe.gate.weight : tensor<2x8xbf16>
  dsc.parameter @"l0.moe.experts.{e}.gate_proj.weight" : tensor<2x4x8xbf16>
  dsc.parameter @"l0.moe.experts.{e}.up_proj.weight" : tensor<2x4x8xbf16>
  dsc.parameter @"l0.moe.experts.{e}.down_proj.weight" : tensor<2x8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  // expected-error @+1 {{'dsc.block' op uses an MoE but layer 0 should use a dense MLP (first_k_dense_replace = 1, moe_layer_freq = 1)}}
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.moe #moe "l0.moe"(%a) : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP module count != num_nextn_predict_layers

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
// expected-error @+1 {{'dsc.model' op has 1 MTP module but 'num_nextn_predict_layers' is 2}}
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 8 mtp 2 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @mtp1.enorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.hnorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @l1.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l1.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l1.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l1.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// two MTP modules of depth 1

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 8 mtp 2 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @mtp1.enorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.hnorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @l1.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l1.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l1.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l1.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @mtp2.enorm.weight : tensor<8xbf16>
  dsc.parameter @mtp2.hnorm.weight : tensor<8xbf16>
  dsc.parameter @mtp2.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @l2.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l2.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l2.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l2.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l2.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l2.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l2.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l2.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  // expected-error @+1 {{'dsc.mtp' op has depth 1 but is MTP module 2; depths must be 1, 2, ... in order}}
  %mtp2 = dsc.mtp 1 "mtp2"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b2 = dsc.block 2(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l2.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l2.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b2 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP block not numbered num_hidden_layers + depth - 1

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 8 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @mtp1.enorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.hnorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @l1.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l1.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l1.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l1.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    // expected-error @+1 {{'dsc.block' op has index 0 but is decoder layer 1 of the model; blocks must be numbered 0, 1, ... in order}}
    %b1 = dsc.block 0(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// cross_entropy without the MTP losses of a model with MTP

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 8 mtp 1 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @lm_head.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @mtp1.enorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.hnorm.weight : tensor<8xbf16>
  dsc.parameter @mtp1.eh_proj.weight : tensor<8x16xbf16>
  dsc.parameter @l1.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l1.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l1.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l1.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l1.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l1.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  %mtp1 = dsc.mtp 1 "mtp1"(%b0, %x) : tensor<?x?x8xbf16> {
  ^bb0(%p: tensor<?x?x8xbf16>):
    %b1 = dsc.block 1(%p) : tensor<?x?x8xbf16> {
    ^bb0(%h: tensor<?x?x8xbf16>):
      %a = dsc.mla #mla "l1.attn"(%h) : tensor<?x?x8xbf16>
      %f = dsc.mlp "l1.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
      dsc.yield %f : tensor<?x?x8xbf16>
    }
    dsc.yield %b1 : tensor<?x?x8xbf16>
  }
  %logits = dsc.lm_head "lm_head"(%b0) : tensor<?x?x8xbf16> -> tensor<?x?x16xf32>
  // expected-error @+1 {{'dsc.cross_entropy' op averages 0 MTP losses but the model has 1 MTP module}}
  %loss = dsc.cross_entropy %logits, %labels : tensor<?x?x16xf32>, tensor<?x?xi32> -> tensor<f32>
  dsc.yield
}

// -----

// parameter read but not declared

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.mlp' op reads parameter 'l0.mlp.up_proj.weight' which the model does not declare; add 'dsc.parameter @"l0.mlp.up_proj.weight" : tensor<4x8xbf16>'}}
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// parameter declared but not read

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  // expected-error @+1 {{'dsc.parameter' op 'l0.mlp.gate.weight' is not read by any op of the model; remove it or fix its name to match the op that should read it}}
  dsc.parameter @l0.mlp.gate.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// parameter shape != the shape the hyper-parameters imply

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
dsc.model @m vocab 16 hidden 8 layers 1 dense 1 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  // expected-note @+1 {{parameter declared here}}
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<2x4xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.mlp.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.mlp.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    // expected-error @+1 {{'dsc.mla' op parameter 'l0.attn.kv_b_proj.weight' has shape 2x4 but num_attention_heads*(qk_nope_head_dim+v_head_dim) x kv_lora_rank = 4x2; fix the parameter's shape or the hyper-parameters}}
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    %f = dsc.mlp "l0.mlp"(%a) intermediate 4 : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// stacked expert parameter whose expert count != n_routed_experts

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0>
dsc.model @m vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.moe.gate.weight : tensor<2x8xbf16>
  dsc.parameter @"l0.moe.experts.{e}.gate_proj.weight" : tensor<2x4x8xbf16>
  dsc.parameter @"l0.moe.experts.{e}.up_proj.weight" : tensor<2x4x8xbf16>
  // expected-note @+1 {{parameter declared here}}
  dsc.parameter @"l0.moe.experts.{e}.down_proj.weight" : tensor<4x8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.moe' op parameter 'l0.moe.experts.{e}.down_proj.weight' has shape 4x8x4 but n_routed_experts x hidden_size x moe_intermediate_size = 2x8x4; fix the parameter's shape or the hyper-parameters}}
    %f = dsc.moe #moe "l0.moe"(%a) : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// routed-expert parameter declared neither stacked nor per expert

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0>
dsc.model @m vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.moe.gate.weight : tensor<2x8xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.moe' op reads routed-expert parameter 'l0.moe.experts.{e}.gate_proj.weight' which the model declares neither stacked ('dsc.parameter @"l0.moe.experts.{e}.gate_proj.weight" : tensor<2x4x8xbf16>') nor per expert ('l0.moe.experts.0.gate_proj.weight', ...)}}
    %f = dsc.moe #moe "l0.moe"(%a) : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// per-expert parameters with one expert missing

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0>
dsc.model @m vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.moe.gate.weight : tensor<2x8xbf16>
  dsc.parameter @l0.moe.experts.0.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.0.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.0.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @l0.moe.experts.1.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.1.down_proj.weight : tensor<8x4xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.moe' op reads parameter 'l0.moe.experts.1.up_proj.weight' which the model does not declare; add 'dsc.parameter @"l0.moe.experts.1.up_proj.weight" : tensor<4x8xbf16>'}}
    %f = dsc.moe #moe "l0.moe"(%a) : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// per-expert parameter of the wrong shape

#mla = #dsc.mla<num_attention_heads = 1, q_lora_rank = 0, kv_lora_rank = 2, qk_nope_head_dim = 2, qk_rope_head_dim = 2, v_head_dim = 2, softmax_scale = 0.5, rope = <theta = 10000.0>>
#moe = #dsc.moe<n_routed_experts = 2, n_shared_experts = 0, num_experts_per_tok = 1, moe_intermediate_size = 4, scoring_func = softmax, topk_method = greedy, n_group = 1, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = false, bias_update_rate = 0.0, aux_loss_alpha = 0.0>
dsc.model @m vocab 16 hidden 8 layers 1 dense 0 moe_every 1 mtp 0 max_positions 64 eps 1.0e-06 {
^bb0(%ids: tensor<?x?xi32>, %labels: tensor<?x?xi32>):
  dsc.parameter @embed.weight : tensor<16x8xbf16>
  dsc.parameter @l0.attn.q_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_proj_with_mqa.weight : tensor<4x8xbf16>
  dsc.parameter @l0.attn.kv_a_layernorm.weight : tensor<2xbf16>
  dsc.parameter @l0.attn.kv_b_proj.weight : tensor<4x2xbf16>
  dsc.parameter @l0.attn.o_proj.weight : tensor<8x2xbf16>
  dsc.parameter @l0.moe.gate.weight : tensor<2x8xbf16>
  dsc.parameter @l0.moe.experts.0.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.0.up_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.0.down_proj.weight : tensor<8x4xbf16>
  dsc.parameter @l0.moe.experts.1.gate_proj.weight : tensor<4x8xbf16>
  dsc.parameter @l0.moe.experts.1.up_proj.weight : tensor<4x8xbf16>
  // expected-note @+1 {{parameter declared here}}
  dsc.parameter @l0.moe.experts.1.down_proj.weight : tensor<8x8xbf16>
  %x = dsc.embedding "embed"(%ids) : tensor<?x?xi32> -> tensor<?x?x8xbf16>
  %b0 = dsc.block 0(%x) : tensor<?x?x8xbf16> {
  ^bb0(%h: tensor<?x?x8xbf16>):
    %a = dsc.mla #mla "l0.attn"(%h) : tensor<?x?x8xbf16>
    // expected-error @+1 {{'dsc.moe' op parameter 'l0.moe.experts.1.down_proj.weight' has shape 8x8 but hidden_size x moe_intermediate_size = 8x4; fix the parameter's shape or the hyper-parameters}}
    %f = dsc.moe #moe "l0.moe"(%a) : tensor<?x?x8xbf16>
    dsc.yield %f : tensor<?x?x8xbf16>
  }
  dsc.yield
}

// -----

// MTP fed by a block other than the main model's last one

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
  // expected-error @+1 {{'dsc.mtp' op at depth 1 must take the output of the main model's last block (layer 1) as its hidden input}}
  %mtp1 = dsc.mtp 1 "model.layers.2"(%layer0, %embeddings) : tensor<?x?x8xbf16> {
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
