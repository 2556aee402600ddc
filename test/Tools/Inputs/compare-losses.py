#!/usr/bin/env python3
"""usage: compare-losses.py REFERENCE FIRST LAST LOG TOLERANCE [LOG TOLERANCE]...

Checks that each LOG's losses of steps FIRST..LAST equal REFERENCE's
(dsc-run logs, relative TOLERANCE)."""
import sys

def losses(path):
    return {int(l.split()[1]): float(l.split()[3])
            for l in open(path) if l.startswith("step ")}

ref = losses(sys.argv[1])
first, last = int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
for path, tolerance in zip(rest[::2], rest[1::2]):
    got = losses(path)
    steps = range(first, last + 1)
    assert all(s in got and s in ref for s in steps), (path, sorted(got))
    worst = max(abs(got[s] - ref[s]) / abs(ref[s]) for s in steps)
    assert worst <= float(tolerance), (path, worst, got, ref)
    print(f"steps {first}-{last} equal (relative {worst:.1e})")
