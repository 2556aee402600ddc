#!/usr/bin/env python3
"""GPU-load imbalance of plans' expert placements under measured loads.

usage: placement-imbalance.py LOADS_FIRST LOADS_SECOND DUMP_A DUMP_B

LOADS_* are dsc-run --expert-loads files (one row of expert loads per MoE
layer, in model order), DUMP_* `dsc-run --dump` of two plans of the same
model. A GPU's load in a layer is the sum over its slots of the slot's
expert's load divided by that expert's replicas (slot_route spreads a
replicated expert's tokens evenly); the imbalance is the largest GPU load
over the mean, averaged over the layers (dsc place's figure).
"""
import json
import re
import sys

SLOTS = re.compile(r'"model\.layers\.(\d+)\.mlp\.experts\.\{e\}\.gate_proj\.weight"'
                   r'.* holding experts \[([0-9, ]*)\]')


def placement(dump):
    """{layer: [experts of GPU 0, experts of GPU 1, ...]} (ep members)."""
    layers = {}
    for line in open(dump):
        m = SLOTS.search(line)
        if m:
            experts = [int(x) for x in m.group(2).split(",")]
            members = layers.setdefault(int(m.group(1)), [])
            if experts not in members:
                members.append(experts)
    return [layers[k] for k in sorted(layers)]


def imbalance(loads, gpus_of_layers):
    ratios = []
    for row, gpus in zip(loads, gpus_of_layers):
        replicas = {}
        for experts in gpus:
            for e in experts:
                replicas[e] = replicas.get(e, 0) + 1
        load = [sum(row[e] / replicas[e] for e in experts) for experts in gpus]
        ratios.append(max(load) / (sum(load) / len(load)))
    return sum(ratios) / len(ratios), ratios


def main():
    first, second = (json.load(open(f))["loads"] for f in sys.argv[1:3])
    plans = {name: placement(dump)
             for name, dump in zip(("even", "re-placed"), sys.argv[3:5])}
    for name, gpus in plans.items():
        if len(gpus) != len(first):
            sys.exit(f"{name}: {len(gpus)} MoE layers placed, loads have "
                     f"{len(first)}")
    for run, loads in (("first run's loads", first),
                       ("second run's loads", second)):
        for name, gpus in plans.items():
            mean, per_layer = imbalance(loads, gpus)
            layers = ", ".join(f"{r:.3f}" for r in per_layer)
            print(f"{run}, {name} placement: imbalance {mean:.3f} "
                  f"(layers {layers})")


if __name__ == "__main__":
    main()
