#!/usr/bin/env python3
"""usage: check-recv-times.py TRACE.json MICROSECONDS

Checks that every `recv` in a dsc-run trace took at least MICROSECONDS."""
import json, sys

events = json.load(open(sys.argv[1]))["traceEvents"]
least = float(sys.argv[2])
times = [e["dur"] for e in events if e.get("name") == "recv"]
assert times, "no receives in the trace"
assert min(times) >= least, (min(times), least)
print(f"{len(times)} receives, each at least {sys.argv[2]} us")
