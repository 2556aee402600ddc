// RUN: dsc-opt %s --split-input-file --dsc-fp8-quantize | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-fp8-quantize | dsc-opt --split-input-file | FileCheck %s
// RUN: dsc-opt %s --split-input-file --dsc-fp8-quantize="act-tile=4 weight-block=4 promote=2 scale=ue8m0" | FileCheck %s --check-prefix=TILE
// RUN: dsc-opt %s --split-input-file --dsc-fp8-quantize="exclude=mlp,routed_experts,*.o_proj.weight,model.layers.2.*" 2>/dev/null | FileCheck %s --check-prefix=EXCL
// RUN: dsc-opt %s --split-input-file --dsc-fp8-quantize="exclude=routed_experts,*.nope.*" -o /dev/null 2>&1 | FileCheck %s --check-prefix=UNUSED

// dsc-fp8-quantize with DeepSeek-V3's recipe (1 x 128 activation tiles,
// 128 x 128 weight blocks, FP32 scales, promotion every 128): every linear
// layer's weight becomes E4M3 beside its `_scale_inv` block scales, and the
// op owning it gets the quantization of its input and its GEMM in its
// `linears` region. Embedding, norms, MoE gate (and its FP32 bias) and head
// keep their types.

// CHECK: #fp8 = #dsc.fp8<act_tile = [1, 128], weight_block = [128, 128], scale = fp32, promote = 128, wgrad_tile = [128, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
// CHECK-LABEL: dsc.model @micro vocab 32 hidden 8 layers 2 dense 1 moe_every 1 mtp 1 max_positions 4096 eps 9.9999999999999995E-7 fp8 #fp8 {
// CHECK:         dsc.parameter @model.embed_tokens.weight : tensor<32x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.input_layernorm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_a_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_a_layernorm.weight : tensor<4xbf16>
// CHECK:         dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x4xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.o_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.parameter @model.layers.1.mlp.gate.weight : tensor<4x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.gate.e_score_correction_bias : tensor<4xf32>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight : tensor<4x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.gate_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight" : tensor<4x8x4xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @"model.layers.1.mlp.experts.{e}.down_proj.weight_scale_inv" : tensor<4x1x1xf32>
// CHECK-NEXT:    dsc.parameter @model.norm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @lm_head.weight : tensor<32x8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.2.enorm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.2.hnorm.weight : tensor<8xbf16>
// CHECK-NEXT:    dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.2.eh_proj.weight_scale_inv : tensor<1x1xf32>

// Attention: q_a_proj and kv_a_proj_with_mqa share one quantization of x;
// o_proj keeps its input in E5M6 for the backward pass.
// CHECK:         dsc.mla #mla "model.layers.0.self_attn"(%{{.*}}) : tensor<?x?x8xbf16> linears {
// CHECK-NEXT:    ^bb0(%x: tensor<?x?x8xbf16>, %q_latent: tensor<?x?x4xbf16>, %kv_latent: tensor<?x?x4xbf16>, %attention: tensor<?x?x4xbf16>):
// CHECK-NEXT:      %[[X:.*]], %[[XS:.*]] = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[QA:.*]] = dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.0.self_attn.q_a_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xbf16>
// CHECK-NEXT:      %[[Q:.*]], %[[QS:.*]] = dsc.quantize %q_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[QB:.*]] = dsc.fp8_gemm %[[Q]], %[[QS]], @model.layers.0.self_attn.q_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[KVA:.*]] = dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.0.self_attn.kv_a_proj_with_mqa.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x6xbf16>
// CHECK-NEXT:      %[[KV:.*]], %[[KVS:.*]] = dsc.quantize %kv_latent tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[KVB:.*]] = dsc.fp8_gemm %[[KV]], %[[KVS]], @model.layers.0.self_attn.kv_b_proj.weight #fp8 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      %[[A:.*]], %[[AS:.*]] = dsc.quantize %attention tile [1, 128] scale fp32 : tensor<?x?x4xbf16> -> tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[O:.*]] = dsc.fp8_gemm %[[A]], %[[AS]], @model.layers.0.self_attn.o_proj.weight #fp8 saves e5m6 : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      dsc.yield %[[QA]], %[[QB]], %[[KVA]], %[[KVB]], %[[O]] : tensor<?x?x4xbf16>, tensor<?x?x8xbf16>, tensor<?x?x6xbf16>, tensor<?x?x8xbf16>, tensor<?x?x8xbf16>
// CHECK-NEXT:    }

// Dense MLP: gate and up share the quantization of x; down reads the
// SwiGLU output.
// CHECK:         dsc.mlp "model.layers.0.mlp"(%{{.*}}) intermediate 16 : tensor<?x?x8xbf16> linears {
// CHECK-NEXT:    ^bb0(%x: tensor<?x?x8xbf16>, %hidden: tensor<?x?x16xbf16>):
// CHECK-NEXT:      %[[X:.*]], %[[XS:.*]] = dsc.quantize %x tile [1, 128] scale fp32
// CHECK-NEXT:      dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.0.mlp.gate_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x16xbf16>
// CHECK-NEXT:      dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.0.mlp.up_proj.weight #fp8
// CHECK-NEXT:      %[[H:.*]], %[[HS:.*]] = dsc.quantize %hidden tile [1, 128] scale fp32 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      dsc.fp8_gemm %[[H]], %[[HS]], @model.layers.0.mlp.down_proj.weight #fp8 : tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      dsc.yield

// MoE: the shared experts run on a local quantization of x, the routed
// experts on the FP8 copy the all-to-all dispatches (power-of-two scales);
// their down projection returns the BF16 combine input. The gate is not
// there (BF16).
// CHECK:         dsc.moe #moe "model.layers.1.mlp"(%{{.*}}) : tensor<?x?x8xbf16> linears {
// CHECK-NEXT:    ^bb0(%x: tensor<?x?x8xbf16>, %shared_hidden: tensor<?x?x4xbf16>, %expert_hidden: tensor<?x?x4xbf16>):
// CHECK-NEXT:      %[[X:.*]], %[[XS:.*]] = dsc.quantize %x tile [1, 128] scale fp32 :
// CHECK-NEXT:      dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.1.mlp.shared_experts.gate_proj.weight #fp8
// CHECK-NEXT:      dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.1.mlp.shared_experts.up_proj.weight #fp8
// CHECK-NEXT:      %[[S:.*]], %[[SS:.*]] = dsc.quantize %shared_hidden tile [1, 128] scale fp32
// CHECK-NEXT:      dsc.fp8_gemm %[[S]], %[[SS]], @model.layers.1.mlp.shared_experts.down_proj.weight #fp8 :
// CHECK-NEXT:      %[[D:.*]], %[[DS:.*]] = dsc.quantize %x tile [1, 128] scale ue8m0 dispatch : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      dsc.fp8_gemm %[[D]], %[[DS]], @"model.layers.1.mlp.experts.{e}.gate_proj.weight" #fp8 :
// CHECK-NEXT:      dsc.fp8_gemm %[[D]], %[[DS]], @"model.layers.1.mlp.experts.{e}.up_proj.weight" #fp8 :
// CHECK-NEXT:      %[[E:.*]], %[[ES:.*]] = dsc.quantize %expert_hidden tile [1, 128] scale fp32
// CHECK-NEXT:      dsc.fp8_gemm %[[E]], %[[ES]], @"model.layers.1.mlp.experts.{e}.down_proj.weight" #fp8 combine : tensor<?x?x4xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      dsc.yield

// The MTP module's block is converted like the main model's, and eh_proj
// reads the 2 * hidden concatenation.
// CHECK:           dsc.moe #moe "model.layers.2.mlp"(%{{.*}}) : tensor<?x?x8xbf16> linears {
// CHECK:         } linears {
// CHECK-NEXT:    ^bb0(%concat: tensor<?x?x16xbf16>):
// CHECK-NEXT:      %[[C:.*]], %[[CS:.*]] = dsc.quantize %concat tile [1, 128] scale fp32 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      %[[P:.*]] = dsc.fp8_gemm %[[C]], %[[CS]], @model.layers.2.eh_proj.weight #fp8 : tensor<?x?x16xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x8xbf16>
// CHECK-NEXT:      dsc.yield %[[P]] : tensor<?x?x8xbf16>
// CHECK-NEXT:    }
// CHECK-NEXT:    dsc.rms_norm "model.layers.2.shared_head.norm"

// 1 x 4 tiles and 4 x 4 blocks: ceil(in / 4) scales per token, and
// [ceil(out / 4), ceil(in / 4)] per weight (per expert when stacked).
// TILE: #fp8 = #dsc.fp8<act_tile = [1, 4], weight_block = [4, 4], scale = ue8m0, promote = 2, wgrad_tile = [4, 1], wgrad_scale = ue8m0, dispatch_scale = ue8m0, master = f32, grads = f32, moments = bf16>
// TILE-LABEL: dsc.model @micro
// TILE:         dsc.parameter @model.layers.0.self_attn.kv_a_proj_with_mqa.weight_scale_inv : tensor<2x2xf32>
// TILE:         dsc.parameter @model.layers.0.mlp.down_proj.weight_scale_inv : tensor<2x4xf32>
// TILE:         dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight_scale_inv" : tensor<4x1x2xf32>
// TILE:         dsc.parameter @model.layers.2.eh_proj.weight_scale_inv : tensor<2x4xf32>
// TILE:         dsc.quantize %x tile [1, 4] scale ue8m0 : tensor<?x?x8xbf16> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x2xf32>
// TILE:         dsc.quantize %hidden tile [1, 4] scale ue8m0 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x4xf32>
// TILE:         dsc.quantize %concat tile [1, 4] scale ue8m0 : tensor<?x?x16xbf16> -> tensor<?x?x16xf8E4M3FN>, tensor<?x?x4xf32>

// Excluded: the dense MLPs, the routed experts, every o_proj and all of
// layer 2 (the MTP module's block and eh_proj) stay BF16 and out of the
// `linears` regions; an op left without FP8 layers gets no region.
// EXCL-LABEL: dsc.model @micro
// EXCL:         dsc.parameter @model.layers.0.self_attn.q_a_proj.weight : tensor<4x8xf8E4M3FN>
// EXCL:         dsc.parameter @model.layers.0.self_attn.o_proj.weight : tensor<8x4xbf16>
// EXCL-NEXT:    dsc.parameter @model.layers.0.post_attention_layernorm.weight : tensor<8xbf16>
// EXCL-NEXT:    dsc.parameter @model.layers.0.mlp.gate_proj.weight : tensor<16x8xbf16>
// EXCL:         dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight : tensor<8x4xf8E4M3FN>
// EXCL-NEXT:    dsc.parameter @model.layers.1.mlp.shared_experts.down_proj.weight_scale_inv : tensor<1x1xf32>
// EXCL-NEXT:    dsc.parameter @"model.layers.1.mlp.experts.{e}.gate_proj.weight" : tensor<4x4x8xbf16>
// EXCL:         dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xbf16>
// EXCL-NOT:     f8E4M3FN
// EXCL:         dsc.mla #mla "model.layers.0.self_attn"(%{{.*}}) : tensor<?x?x8xbf16> linears {
// EXCL-NEXT:    ^bb0(%x: tensor<?x?x8xbf16>, %q_latent: tensor<?x?x4xbf16>, %kv_latent: tensor<?x?x4xbf16>, %attention: tensor<?x?x4xbf16>):
// EXCL-NOT:       o_proj
// EXCL:           dsc.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
// EXCL:         dsc.mlp "model.layers.0.mlp"(%{{.*}}) intermediate 16 : tensor<?x?x8xbf16>{{$}}
// EXCL:         dsc.moe #moe "model.layers.1.mlp"(%{{.*}}) : tensor<?x?x8xbf16> linears {
// EXCL-NOT:       dispatch
// EXCL:           dsc.yield %{{.*}}, %{{.*}}, %{{.*}} :
// EXCL:         dsc.mla #mla "model.layers.2.self_attn"(%{{.*}}) : tensor<?x?x8xbf16>{{$}}
// EXCL:         dsc.moe #moe "model.layers.2.mlp"(%{{.*}}) : tensor<?x?x8xbf16>{{$}}
// EXCL:         dsc.yield %layer2 : tensor<?x?x8xbf16>
// EXCL-NEXT:    }{{$}}

// An exclude entry that matches nothing is probably a typo.
// UNUSED-NOT: warning: 'exclude' entry 'routed_experts'
// UNUSED: warning: 'exclude' entry '*.nope.*' matches no linear layer
// UNUSED: warning: 'exclude' entry 'routed_experts' matches no linear layer
// UNUSED: warning: 'exclude' entry '*.nope.*' matches no linear layer

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

// A dense model with full query projections (q_lora_rank = 0), f32
// activations and two MTP modules.

// CHECK-LABEL: dsc.model @dense vocab 16 hidden 8 layers 1 dense 1 moe_every 0 mtp 2 max_positions 64 eps 9.9999999999999995E-7 fp8 #fp8 {
// CHECK:         dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xf8E4M3FN>
// CHECK-NEXT:    dsc.parameter @model.layers.0.self_attn.q_proj.weight_scale_inv : tensor<1x1xf32>
// CHECK:         dsc.mla #mla "model.layers.0.self_attn"(%{{.*}}) : tensor<?x?x8xf32> linears {
// CHECK-NEXT:    ^bb0(%x: tensor<?x?x8xf32>, %kv_latent: tensor<?x?x2xf32>, %attention: tensor<?x?x2xf32>):
// CHECK-NEXT:      %[[X:.*]], %[[XS:.*]] = dsc.quantize %x tile [1, 128] scale fp32 : tensor<?x?x8xf32> -> tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32>
// CHECK-NEXT:      dsc.fp8_gemm %[[X]], %[[XS]], @model.layers.0.self_attn.q_proj.weight #fp8 : tensor<?x?x8xf8E4M3FN>, tensor<?x?x1xf32> -> tensor<?x?x4xf32>
// CHECK:         %mtp2 = dsc.mtp 2 "model.layers.2"
// CHECK:         } linears {
// CHECK-NEXT:    ^bb0(%concat: tensor<?x?x16xf32>):
// CHECK:           dsc.fp8_gemm {{.*}} @model.layers.2.eh_proj.weight #fp8

// TILE-LABEL: dsc.model @dense
// TILE:         dsc.parameter @model.layers.0.self_attn.o_proj.weight_scale_inv : tensor<2x1xf32>

// EXCL-LABEL: dsc.model @dense
// EXCL:         dsc.parameter @model.layers.0.self_attn.q_proj.weight : tensor<4x8xf8E4M3FN>
// EXCL:         dsc.parameter @model.layers.1.eh_proj.weight : tensor<8x16xf8E4M3FN>
// EXCL:         dsc.parameter @model.layers.2.eh_proj.weight : tensor<8x16xf32>

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
