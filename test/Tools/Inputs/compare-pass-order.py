"""Checks that every rank executed its passes in the simulated order.

usage: compare-pass-order.py SCHEDULE.json TRACE_PREFIX RANKS DP

SCHEDULE.json is `dsc schedule --format json`; TRACE_PREFIX.rank<r>.json
are dsc-run's traces. Pipeline rank p's actions ("F0.3", "F0.3&B3.1" for an
overlapped pair: forward, then backward) must equal, step after step, the
fragment programs ("F0@3") that world rank p * DP + d ran, for every d.
The two passes of a pair run interleaved, so they may start in either
order.
"""
import json
import re
import sys

schedule, prefix, ranks, dp = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
expected = {}
for rank in json.load(open(schedule))["ranks"]:
    expected[rank["rank"]] = [sorted(action.split("&")) for action in rank["actions"]]
failures = []
for world_rank in range(ranks):
    events = json.load(open(f"{prefix}.rank{world_rank}.json"))["traceEvents"]
    passes = sorted((e for e in events if re.fullmatch(r"[FBIW]\d+@\d+", e["name"])),
                    key=lambda e: e["ts"])
    names = [e["name"].replace("@", ".") for e in passes]
    want = expected[world_rank // dp]
    # The passes that ran, grouped as the schedule groups them.
    ran, at = [], 0
    while at < len(names):
        size = len(want[len(ran) % len(want)]) if want else 1
        ran.append(sorted(names[at:at + size]))
        at += size
    steps = len(ran) // max(len(want), 1)
    if steps == 0 or ran != want * steps:
        failures.append(f"rank {world_rank}: ran {ran[:len(want)]}..., "
                        f"scheduled {want}")
if failures:
    sys.exit("\n".join(failures))
print(f"{ranks} ranks ran their passes in the schedule's order")
