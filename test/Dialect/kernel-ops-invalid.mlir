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
