// RUN: dsc-opt %s | dsc-opt | FileCheck %s

// MLA's attention core at kernel level: 2 heads, nope 2 + rope 2, v 2, the
// shared k_pe broadcast to both heads.
// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<?x8xbf16>, %kv: tensor<?x8xbf16>, %k_pe: tensor<?x2xbf16>) -> tensor<?x4xbf16> {
  // CHECK: dsc.k.split %{{.*}} heads 2 x [2, 2] : tensor<?x8xbf16> -> tensor<?x4xbf16>, tensor<?x4xbf16>
  %k_nope, %v = dsc.k.split %kv heads 2 x [2, 2] : tensor<?x8xbf16> -> tensor<?x4xbf16>, tensor<?x4xbf16>
  // CHECK: dsc.k.rope %{{.*}} heads 1 x 2 last 2 seq 16 <theta = 1.000000e+04>
  %pe = dsc.k.rope %k_pe heads 1 x 2 last 2 seq 16 <theta = 1.000000e+04> : tensor<?x2xbf16>
  // CHECK: dsc.k.concat %{{.*}}, %{{.*}} heads 2 x [2, 2] : tensor<?x4xbf16>, tensor<?x2xbf16> -> tensor<?x8xbf16>
  %k = dsc.k.concat %k_nope, %pe heads 2 x [2, 2] : tensor<?x4xbf16>, tensor<?x2xbf16> -> tensor<?x8xbf16>
  // CHECK: dsc.k.attention %{{.*}}, %{{.*}}, %{{.*}} heads 2 seq 16 scale 5.000000e-01
  %o, %lse = dsc.k.attention %q, %k, %v heads 2 seq 16 scale 0.5 : tensor<?x8xbf16>, tensor<?x4xbf16> -> tensor<?x4xbf16>, tensor<?x2xf32>
  return %o : tensor<?x4xbf16>
}

// A routed MoE at kernel level: 4 experts, 2 per token.
// CHECK-LABEL: func.func @experts
func.func @experts(%x: tensor<?x8xbf16>, %logits: tensor<?x4xf32>) -> tensor<?x8xbf16> {
  // CHECK: dsc.k.route %{{.*}} bias @b config #moe
  %experts, %weights, %loads = dsc.k.route %logits bias @b config <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<?x4xf32> -> tensor<?x2xi32>, tensor<?x2xf32>, tensor<4xf32>
  // CHECK: dsc.k.dispatch %{{.*}}, %{{.*}} experts 4
  %rows, %offsets = dsc.k.dispatch %x, %experts experts 4 : tensor<?x8xbf16>, tensor<?x2xi32> -> tensor<?x8xbf16>, tensor<5xi32>
  // CHECK: dsc.k.grouped_linear %{{.*}}, %{{.*}}, @"w.{e}" fp8
  %h = dsc.k.grouped_linear %rows, %offsets, @"w.{e}" fp8 : tensor<?x8xbf16>, tensor<5xi32> -> tensor<?x8xbf16>
  // CHECK: dsc.k.combine
  %y = dsc.k.combine %h, %experts, %weights : tensor<?x8xbf16>, tensor<?x2xi32>, tensor<?x2xf32> -> tensor<?x8xbf16>
  return %y : tensor<?x8xbf16>
}

// CHECK-LABEL: func.func @loss
func.func @loss(%ids: tensor<?xi32>, %logits: tensor<?x32xf32>) -> tensor<f32> {
  // CHECK: dsc.k.shift %{{.*}} by 1 seq 16 fill -100 : tensor<?xi32>
  %labels = dsc.k.shift %ids by 1 seq 16 fill -100 : tensor<?xi32>
  // CHECK: dsc.k.cross_entropy %{{.*}}, %{{.*}} weight 3.000000e-01
  %loss = dsc.k.cross_entropy %logits, %labels weight 0.3 : tensor<?x32xf32>, tensor<?xi32> -> tensor<f32>
  return %loss : tensor<f32>
}

// A router's sequence-wise balance loss and its gradient.
// CHECK-LABEL: func.func @balance
func.func @balance(%logits: tensor<?x4xf32>, %experts: tensor<?x2xi32>, %seed: tensor<f32>) -> tensor<?x4xf32> {
  // CHECK: dsc.k.balance_loss %{{.*}}, %{{.*}} seq 16 weight 1.000000e-04 #moe : tensor<?x4xf32>, tensor<?x2xi32> -> tensor<f32>
  %loss = dsc.k.balance_loss %logits, %experts seq 16 weight 1.0e-4 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<?x4xf32>, tensor<?x2xi32> -> tensor<f32>
  // CHECK: dsc.k.balance_loss_grad %{{.*}}, %{{.*}}, %{{.*}} seq 16 weight 1.000000e-04 #moe : tensor<f32>, tensor<?x4xf32>, tensor<?x2xi32>
  %dlogits = dsc.k.balance_loss_grad %seed, %logits, %experts seq 16 weight 1.0e-4 <n_routed_experts = 4, n_shared_experts = 1, num_experts_per_tok = 2, moe_intermediate_size = 4, scoring_func = sigmoid, topk_method = noaux_tc, n_group = 2, topk_group = 1, routed_scaling_factor = 1.0, norm_topk_prob = false, bias_balancing = true, bias_update_rate = 1.0e-3, aux_loss_alpha = 1.0e-4> : tensor<f32>, tensor<?x4xf32>, tensor<?x2xi32>
  return %dlogits : tensor<?x4xf32>
}

// DeepSeek-V3's FP8 dispatch: rows to E4M3 with UE8M0 scales (one byte per
// 1 x 128 tile; a ragged last tile), the two exchanges, and back; an
// exchange marked FP8 before dsc-fp8-dispatch spells it out.
// CHECK-LABEL: func.func @fp8_dispatch
func.func @fp8_dispatch(%rows: tensor<?x200xbf16>, %counts: tensor<2xi32>) -> tensor<?x200xbf16> {
  // CHECK: dsc.k.quantize_rows %{{.*}} tile 128 scale ue8m0 : tensor<?x200xbf16> -> tensor<?x200xf8E4M3FN>, tensor<?x2xf8E8M0FNU>
  %codes, %scales = dsc.k.quantize_rows %rows tile 128 scale ue8m0 : tensor<?x200xbf16> -> tensor<?x200xf8E4M3FN>, tensor<?x2xf8E8M0FNU>
  %c, %n = dsc.k.all_to_all_v %codes, %counts members 2 : tensor<?x200xf8E4M3FN>, tensor<2xi32> -> tensor<?x200xf8E4M3FN>, tensor<2xi32>
  %s, %m = dsc.k.all_to_all_v %scales, %counts members 2 : tensor<?x2xf8E8M0FNU>, tensor<2xi32> -> tensor<?x2xf8E8M0FNU>, tensor<2xi32>
  // CHECK: dsc.k.dequantize_rows %{{.*}}, %{{.*}} tile 128 : tensor<?x200xf8E4M3FN>, tensor<?x2xf8E8M0FNU> -> tensor<?x200xbf16>
  %back = dsc.k.dequantize_rows %c, %s tile 128 : tensor<?x200xf8E4M3FN>, tensor<?x2xf8E8M0FNU> -> tensor<?x200xbf16>
  // CHECK: dsc.k.all_to_all_v %{{.*}}, %{{.*}} members 2 fp8 tile 128 scale ue8m0 :
  %marked, %k = dsc.k.all_to_all_v %rows, %counts members 2 fp8 tile 128 scale ue8m0 : tensor<?x200xbf16>, tensor<2xi32> -> tensor<?x200xbf16>, tensor<2xi32>
  return %back : tensor<?x200xbf16>
}
