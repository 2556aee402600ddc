#!/usr/bin/env python3
"""The share of all-to-all time hidden under compute in overlapped pairs.

usage: hidden-all-to-all.py TRACE_PREFIX RANKS PLAN_DUMP

TRACE_PREFIX.rankR.json are dsc-run --trace files, PLAN_DUMP the plan's
`dsc-run --dump`. For every rank, the pairs its schedule overlaps
(`F3@2+B0@0`) name the programs and micro-batches whose all_to_all and
all_to_all_v run under the other pass; an exchange's time is hidden where
the rank's compute stream ran an instruction meanwhile. Under
--emulate-network an exchange's event carries its modeled transfer time
(`network_us`, the event's last part: before it the members were meeting),
and the transfer is what is measured; without it, the whole event. Prints
the hidden share in the pairs and over every exchange, and the times.
"""
import json
import re
import sys


def pairs_of(dump, ranks):
    """rank -> set of (program, micro-batch) that belong to a pair."""
    out, rank = {}, None
    for line in open(dump):
        m = re.match(r"rank (\d+):", line)
        if m:
            rank = int(m.group(1))
            source = re.search(r"runs rank (\d+)'s programs", line)
            if source:
                out[rank] = ("replica", int(source.group(1)))
            continue
        if line.startswith("  schedule:") and rank is not None:
            members = set()
            for token in line.split()[1:]:
                if "+" in token:
                    for part in token.split("+"):
                        name, _, mb = part.partition("@")
                        members.add((name, int(mb) if mb else -1))
            out[rank] = members
    for r, v in list(out.items()):
        if isinstance(v, tuple):
            out[r] = out[v[1]]
    return out


def merged(intervals):
    out = []
    for start, end in sorted(intervals):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return out


def covered(start, end, busy):
    total = 0.0
    for s, e in busy:
        if e <= start:
            continue
        if s >= end:
            break
        total += min(e, end) - max(s, start)
    return total


def main():
    prefix, ranks, dump = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    pairs = pairs_of(dump, ranks)
    totals = {"pairs": [0.0, 0.0, 0.0], "all": [0.0, 0.0, 0.0]}
    for r in range(ranks):
        events = json.load(open(f"{prefix}.rank{r}.json"))["traceEvents"]
        spans = [e for e in events if e.get("ph") == "X"]
        compute = merged(
            (e["ts"], e["ts"] + e["dur"]) for e in spans
            if e["tid"] == 0 and "instruction" in e.get("args", {}))
        for e in spans:
            if e["name"] not in ("all_to_all", "all_to_all_v") or e["tid"] != 1:
                continue
            args = e["args"]
            key = (args["program"], args.get("micro_batch", -1))
            end = e["ts"] + e["dur"]
            transfer = min(e["dur"], args.get("network_us", e["dur"]))
            hidden = covered(end - transfer, end, compute)
            kinds = ["all"] + (["pairs"] if key in pairs.get(r, ()) else [])
            for kind in kinds:
                totals[kind][0] += hidden
                totals[kind][1] += transfer
                totals[kind][2] += e["dur"]
    for kind in ("pairs", "all"):
        hidden, time, spent = totals[kind]
        share = hidden / time if time else float("nan")
        print(f"{kind}: all-to-all transfers {time / 1e3:.1f} ms, hidden under "
              f"compute {hidden / 1e3:.1f} ms ({100 * share:.1f} %); "
              f"{spent / 1e3:.1f} ms in the exchanges with meeting the peers")


if __name__ == "__main__":
    main()
