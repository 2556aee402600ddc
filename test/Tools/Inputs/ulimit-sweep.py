#!/usr/bin/env python3
"""Runs a command under a range of address-space limits (ulimit -v).

usage: ulimit-sweep.py LOW_MIB HIGH_MIB STEP_MIB TIMEOUT_S COMMAND...

Each run gets RLIMIT_AS = limit and TIMEOUT_S seconds (then it is killed).
Prints every distinct last line of stderr the runs ended with (numbers as
printed), then a verdict line:

  hung or crashed: none | LIMIT MiB (hung), LIMIT MiB (signal N), ...

A run that exits with any status counts as clean; one that had to be
killed or died of a signal does not. So the sweep never hangs a test.
"""

import resource
import subprocess
import sys


def main():
    low, high, step, timeout = (int(a) for a in sys.argv[1:5])
    command = sys.argv[5:]
    messages, bad = set(), []
    for mib in range(low, high + 1, step):
        limit = mib << 20

        def restrict(limit=limit):
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

        try:
            run = subprocess.run(command, preexec_fn=restrict, timeout=timeout,
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True,
                                 errors="replace")
        except subprocess.TimeoutExpired:
            bad.append("%d MiB (hung)" % mib)
            continue
        if run.returncode < 0:
            bad.append("%d MiB (signal %d)" % (mib, -run.returncode))
        lines = run.stderr.strip().splitlines()
        if lines:
            messages.add(lines[-1])
    for message in sorted(messages):
        print(message)
    print("hung or crashed: %s" % (", ".join(bad) or "none"))


if __name__ == "__main__":
    main()
