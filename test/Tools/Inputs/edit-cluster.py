"""Prints a one-node cluster file with one figure replaced: edit-cluster.py
SECTION KEY VALUE (e.g. nvlink gbps 1e-300)."""
import json
import sys

cluster = {
    "name": "edited", "nodes": 1, "gpus_per_node": 1,
    "gpu": {"name": "H800", "sms": 132, "bf16_tflops": 989, "fp8_tflops": 1979,
            "hbm_gb": 80, "hbm_gbps": 3350},
    "nvlink": {"gbps": 160, "latency_us": 2},
    "infiniband": {"gbps": 50, "latency_us": 5},
    "comm_sms": 20,
}
section, key, value = sys.argv[1:4]
cluster[section][key] = float(value)
json.dump(cluster, sys.stdout, indent=1)
