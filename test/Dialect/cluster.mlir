// RUN: dsc-opt %s | dsc-opt | FileCheck %s

// CHECK-LABEL: dsc.cluster @h800x2048 nodes 256 gpus_per_node 8
// CHECK-SAME: gpu <name = "H800", sms = 132, bf16_tflops = 9.890000e+02, fp8_tflops = 1.979000e+03, hbm_gb = 8.000000e+01, hbm_gbps = 3.350000e+03>
// CHECK-SAME: nvlink <gbps = 1.600000e+02, latency_us = 2.000000e+00>
// CHECK-SAME: infiniband <gbps = 5.000000e+01, latency_us = 5.000000e+00> comm_sms 20
dsc.cluster @h800x2048 nodes 256 gpus_per_node 8
    gpu <name = "H800", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 80.0, hbm_gbps = 3350.0>
    nvlink <gbps = 160.0, latency_us = 2.0>
    infiniband <gbps = 50.0, latency_us = 5.0> comm_sms 20

// The fully qualified attribute form parses too.
// CHECK-LABEL: dsc.cluster @single nodes 1 gpus_per_node 1
// CHECK-SAME: comm_sms 0
dsc.cluster @single nodes 1 gpus_per_node 1
    gpu #dsc.gpu<name = "H200", sms = 132, bf16_tflops = 989.0, fp8_tflops = 1979.0, hbm_gb = 141.0, hbm_gbps = 4800.0>
    nvlink #dsc.link<gbps = 450.0, latency_us = 0.0>
    infiniband #dsc.link<gbps = 50.0, latency_us = 5.0> comm_sms 0
