#!/usr/bin/env python3
"""The executed step against the schedule simulator's for the same costs.

usage: simulate-trace.py TRACE_PREFIX RANKS PLAN_DUMP DSC SCHEDULE_ARGS...

TRACE_PREFIX.rankR.json are the `dsc-run --trace` files of a pipeline run,
PLAN_DUMP its `dsc-run --dump`, DSC the dsc binary and SCHEDULE_ARGS the
run's `dsc schedule` options (--schedule, --pp, --micro-batches, ...).
From the traces (steps after the first), per global stage: the mean
forward, full backward and weight-gradient pass, the mean overlapped pair
(by its forward's stage) and the mean point-to-point transfer (the modeled
one under --emulate-network); those go to `dsc schedule --costs` as one
value per stage. The simulated pipeline plus the measured optimizer program
(each step's shortest over the ranks: the others waited for it in their
collectives) is the predicted step; the measured step is the time between
the ends of consecutive optimizer programs. Prints both and their difference.
"""
import json
import re
import statistics
import subprocess
import sys

PASS = re.compile(r"^([FBIW])(\d+)@(\d+)$")


def pairs_of(dump):
    """The pairs the plan overlaps: {(name, micro-batch): partner}."""
    out = {}
    for line in open(dump):
        if not line.startswith("  schedule:"):
            continue
        for token in line.split()[1:]:
            if "+" in token:
                a, b = token.split("+")
                out[a] = b
                out[b] = a
    return out


def main():
    prefix, ranks, dump, dsc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    schedule_args = sys.argv[5:]
    partners = pairs_of(dump)
    costs = {k: {} for k in ("F", "B", "I", "W", "FB")}
    transfers, optimizer, periods = [], [], []
    for r in range(ranks):
        events = json.load(open(f"{prefix}.rank{r}.json"))["traceEvents"]
        programs = [e for e in events if e.get("ph") == "X"
                    and isinstance(e.get("args", {}).get("program"), int)]
        programs.sort(key=lambda e: e["ts"])
        opt_ends = [e["ts"] + e["dur"] for e in programs if e["name"] == "opt"]
        if len(opt_ends) < 2:
            sys.exit("simulate-trace: needs at least two steps")
        first = opt_ends[0]  # the first step warms up
        periods += [b - a for a, b in zip(opt_ends, opt_ends[1:])]
        optimizer.append([e["dur"] for e in programs
                          if e["name"] == "opt" and e["ts"] > first])
        seen = set()
        for e in programs:
            if e["ts"] <= first:
                continue
            # Its step's runs of the programs (names repeat every step).
            step_end = min((t for t in opt_ends if t > e["ts"]), default=None)
            step_start = max(t for t in opt_ends if t <= e["ts"])
            by_name = {p["name"]: p for p in programs
                       if step_start <= p["ts"] and (step_end is None
                                                     or p["ts"] < step_end)}
            m = PASS.match(e["name"])
            if not m:
                if e["name"].startswith("send_"):
                    # Each send's modeled transfer (or its whole time).
                    transfers += [i["args"].get("network_us", i["dur"])
                                  for i in events if i.get("ph") == "X"
                                  and i["args"].get("program") == e["name"].split("@")[0]
                                  and i["ts"] >= e["ts"]
                                  and i["ts"] < e["ts"] + e["dur"]]
                continue
            kind, stage = m.group(1), int(m.group(2))
            if e["name"] in partners:
                if id(e) in seen:
                    continue
                other = by_name.get(partners[e["name"]])
                if other is None:
                    continue
                seen |= {id(e), id(other)}
                forward = e if kind == "F" else other
                start = min(e["ts"], other["ts"])
                end = max(e["ts"] + e["dur"], other["ts"] + other["dur"])
                costs["FB"].setdefault(int(PASS.match(forward["name"]).group(2)),
                                       []).append(end - start)
                continue
            costs[kind].setdefault(stage, []).append(e["dur"])
    # The optimizer's own time: the rank that reached it last waited least
    # in its collectives, so each step's shortest optimizer program.
    optimizer = [min(step) for step in zip(*optimizer)]
    stages = 1 + max(s for c in costs.values() for s in c)
    ms = lambda xs: statistics.mean(xs) / 1e3

    def per_stage(kind, fallback=None):
        values = []
        for s in range(stages):
            if s in costs[kind]:
                values.append(ms(costs[kind][s]))
            elif fallback is not None:
                values.append(fallback(s))
            else:
                return None
        return values

    forward = per_stage("F")
    weight = per_stage("W", lambda s: 0.0)
    # A stage whose backward only ran split (I, then W) or in pairs: I + W.
    backward = per_stage("B", lambda s: ms(costs["I"][s]) + weight[s]
                         if s in costs["I"] else None)
    pair = per_stage("FB", lambda s: forward[s] + backward[s])
    comm = ms(transfers) if transfers else 0.0
    text = lambda xs: "/".join(f"{x:.4f}" for x in xs)
    cost_text = (f"F={text(forward)},B={text(backward)},"
                 f"W={text([min(w, b) for w, b in zip(weight, backward)])},"
                 f"FB={text(pair)},comm={comm:.4f}")
    out = subprocess.run([dsc, "schedule", *schedule_args, "--costs", cost_text,
                          "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    simulated = json.loads(out)["step_time"]
    predicted = simulated + ms(optimizer)
    measured = ms(periods)
    print(f"per-pass costs (ms, per stage): {cost_text}")
    print(f"simulated pipeline {simulated:.2f} ms + optimizer {ms(optimizer):.2f} ms "
          f"= {predicted:.2f} ms; measured step {measured:.2f} ms "
          f"(median {statistics.median(periods) / 1e3:.2f}); "
          f"simulated / measured {predicted / measured:.3f}")


if __name__ == "__main__":
    main()
