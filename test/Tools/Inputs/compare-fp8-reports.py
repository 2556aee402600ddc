# Compares the reports of dsc-report-fp8.test: quantized, priced, BF16.
import json
import sys

quantized, priced, bf16 = (json.load(open(path)) for path in sys.argv[1:4])
for key in ["memory_per_gpu_bytes", "comm_bytes_per_step", "step_time_s",
            "step_time_no_overlap_s", "params_total"]:
    assert quantized[key] == priced[key], (key, quantized[key], priced[key])
# Linear weights take half the bytes in FP8; the embedding and head (a
# quarter of the tiny model's weights per GPU) stay BF16.
q, b = (r["memory_per_gpu_bytes"]["weights"] for r in (quantized, bf16))
assert 1.7 < b / q < 1.8, (b, q)
assert quantized["mode"] == "training"
