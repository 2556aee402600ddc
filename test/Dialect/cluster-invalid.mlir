// RUN: dsc-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{'dsc.cluster' op needs at least one node and one GPU per node, got 0 nodes of 8 GPUs}}
dsc.cluster @c nodes 0 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

// expected-error @+1 {{'dsc.cluster' op 'comm_sms' (132) must be from 0 to 131: the GPU has 132 SMs and needs some to compute}}
dsc.cluster @c nodes 1 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 132

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    // expected-error @+1 {{'hbm_gbps' must be positive, got 0}}
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 0.0>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    // expected-error @+1 {{'sms' must be positive, got 0}}
    gpu <name = "H800", sms = 0, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    // expected-error @+1 {{the GPU needs a 'name'}}
    gpu <name = "", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    // expected-error @+1 {{'gbps' must be positive, got 0}}
    nvlink <gbps = 0.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    // expected-error @+1 {{'latency_us' must not be negative, got -1}}
    nvlink <gbps = 160.0, latency_us = -1.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    // expected-error @+1 {{'latency_us' must be a finite number, got INF}}
    nvlink <gbps = 160.0, latency_us = 0x7FF0000000000000> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    // expected-error @+1 {{'gbps' must be a finite number, got nan}}
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 0x7FF8000000000000, latency_us = 5.0> comm_sms 20

// -----

dsc.cluster @c nodes 1 gpus_per_node 8
    // expected-error @+1 {{'hbm_gbps' must be from 1.000000e-06 to 1.000000e+09, got 1.000000e+300}}
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 1.0e300>
    nvlink <gbps = 160.0, latency_us = 2.0> infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20
