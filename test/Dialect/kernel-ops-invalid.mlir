// RUN: dsc-opt %s -split-input-file -verify-diagnostics

func.func @rope(%x: tensor<?x8xbf16>) {
  // expected-error @+1 {{'dsc.k.rope' op rotates an even number of channels, at most the head dimension, of a positive number of heads; got heads 2, head_dim 4, rope_dim 3, seq_len 16}}
  %y = dsc.k.rope %x heads 2 x 4 last 3 seq 16 <theta = 1.000000e+04> : tensor<?x8xbf16>
  return
}

// -----

func.func @rope_width(%x: tensor<?x6xbf16>) {
  // expected-error @+1 {{'dsc.k.rope' op input width 6 is not heads x head_dim = 8}}
  %y = dsc.k.rope %x heads 2 x 4 last 2 seq 16 <theta = 1.000000e+04> : tensor<?x6xbf16>
  return
}

// -----

func.func @concat(%a: tensor<?x4xbf16>, %b: tensor<?x3xbf16>) {
  // expected-error @+1 {{'dsc.k.concat' op width 3 of #1 is neither 2 heads of 2 nor one (broadcast) head}}
  %k = dsc.k.concat %a, %b heads 2 x [2, 2] : tensor<?x4xbf16>, tensor<?x3xbf16> -> tensor<?x8xbf16>
  return
}

// -----

func.func @split(%x: tensor<?x8xbf16>) {
  // expected-error @+1 {{'dsc.k.split' op input width 8 is not heads x the head dimensions' sum = 6}}
  %a, %b = dsc.k.split %x heads 2 x [2, 1] : tensor<?x8xbf16> -> tensor<?x4xbf16>, tensor<?x2xbf16>
  return
}

// -----

func.func @attention(%q: tensor<?x8xbf16>, %v: tensor<?x4xbf16>) {
  // expected-error @+1 {{'dsc.k.attention' op q/k and v widths must be multiples of the 3 heads}}
  %o, %lse = dsc.k.attention %q, %q, %v heads 3 seq 16 scale 0.5 : tensor<?x8xbf16>, tensor<?x4xbf16> -> tensor<?x4xbf16>, tensor<?x3xf32>
  return
}

// -----

func.func @shift(%ids: tensor<?xi32>) {
  // expected-error @+1 {{'dsc.k.shift' op needs 0 <= offset < seq_len, got offset 16 and seq_len 16}}
  %s = dsc.k.shift %ids by 16 seq 16 fill 0 : tensor<?xi32>
  return
}

// -----

func.func @balance_width(%logits: tensor<?x8xf32>, %experts: tensor<?x2xi32>) {
  // expected-error @+1 {{'dsc.k.balance_loss' op logits width 8 is not the 4 routed experts}}
  %loss = dsc.k.balance_loss %logits, %experts seq 16 weight 1.0e-4 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<?x8xf32>, tensor<?x2xi32> -> tensor<f32>
  return
}

// -----

func.func @balance_k(%logits: tensor<?x4xf32>, %experts: tensor<?x3xi32>) {
  // expected-error @+1 {{'dsc.k.balance_loss' op experts width 3 is not num_experts_per_tok = 2}}
  %loss = dsc.k.balance_loss %logits, %experts seq 16 weight 1.0e-4 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<?x4xf32>, tensor<?x3xi32> -> tensor<f32>
  return
}

// -----

func.func @balance_seq(%logits: tensor<?x4xf32>, %experts: tensor<?x2xi32>) {
  // expected-error @+1 {{'dsc.k.balance_loss' op needs a positive seq_len, got 0}}
  %loss = dsc.k.balance_loss %logits, %experts seq 0 weight 1.0e-4 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<?x4xf32>, tensor<?x2xi32> -> tensor<f32>
  return
}

// -----

func.func @balance_weight(%seed: tensor<f32>, %logits: tensor<?x4xf32>, %experts: tensor<?x2xi32>) {
  // expected-error @+1 {{'dsc.k.balance_loss_grad' op needs a positive finite weight, got 0.000000e+00}}
  %d = dsc.k.balance_loss_grad %seed, %logits, %experts seq 16 weight 0.0 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<f32>, tensor<?x4xf32>, tensor<?x2xi32>
  return
}

// -----

func.func @quantize_scale_type(%rows: tensor<?x200xbf16>) {
  // expected-error @+1 {{'dsc.k.quantize_rows' op scale ue8m0 stores its scales as f8E8M0FNU, got 'f32'}}
  %codes, %scales = dsc.k.quantize_rows %rows tile 128 scale ue8m0 : tensor<?x200xbf16> -> tensor<?x200xf8E4M3FN>, tensor<?x2xf32>
  return
}

// -----

func.func @quantize_tiles(%rows: tensor<?x200xbf16>) {
  // expected-error @+1 {{'dsc.k.quantize_rows' op needs one scale per tile of 128: 2 per row, got 1}}
  %codes, %scales = dsc.k.quantize_rows %rows tile 128 scale fp32 : tensor<?x200xbf16> -> tensor<?x200xf8E4M3FN>, tensor<?x1xf32>
  return
}

// -----

func.func @dequantize_codes(%codes: tensor<?x200xbf16>, %scales: tensor<?x2xf32>) {
  // expected-error @+1 {{'dsc.k.dequantize_rows' op the rows must be wider than 8 bits, got 'tensor<?x200xf8E4M3FN>'}}
  %rows = dsc.k.dequantize_rows %codes, %scales tile 128 : tensor<?x200xbf16>, tensor<?x2xf32> -> tensor<?x200xf8E4M3FN>
  return
}

// -----

func.func @exchange_fp8_rows(%codes: tensor<?x200xf8E4M3FN>, %counts: tensor<2xi32>) {
  // expected-error @+1 {{'dsc.k.all_to_all_v' op quantizes wider floats to FP8 for the exchange; its rows already have 8 bits}}
  %c, %n = dsc.k.all_to_all_v %codes, %counts members 2 fp8 tile 128 scale ue8m0 : tensor<?x200xf8E4M3FN>, tensor<2xi32> -> tensor<?x200xf8E4M3FN>, tensor<2xi32>
  return
}
