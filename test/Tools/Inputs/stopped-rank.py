#!/usr/bin/env python3
"""Runs an MPI job one of whose ranks stops or kills itself, and reports
how it ends.

usage: stopped-rank.py PIDDIR LIMIT COMMAND...

COMMAND is the launcher's command line; the word @RANK@ in it becomes a
wrapper that writes each rank's pid to PIDDIR/<rank>.pid before it execs
the rank's program. Once a rank is seen stopped (SIGSTOP, state T) or gone
while the job runs (killed), the job must be gone within LIMIT seconds: the
launcher exited and no rank process is left (a zombie counts as gone).
Prints, after the job's own output:

  stopped: rank R   (or killed: rank R)
  job exit status: N
  every rank gone N.NN s after the stop: within LIMIT s | OVER LIMIT
  left over: none | PIDS

A job still running LIMIT seconds after the stop (or 120 s in all) is
killed with its process group, so the test never hangs.
"""

import os
import signal
import subprocess
import sys
import time

POLL = 0.005
GUARD = 120.0


def state(pid):
    """The process's state letter, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def pids(piddir):
    found = {}
    for name in os.listdir(piddir):
        if name.endswith(".pid"):
            try:
                with open(os.path.join(piddir, name)) as f:
                    found[int(name[:-4])] = int(f.read().split()[0])
            except (ValueError, IndexError):
                pass  # being written
    return found


def main():
    piddir, limit, command = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    os.makedirs(piddir, exist_ok=True)
    for name in os.listdir(piddir):
        os.remove(os.path.join(piddir, name))
    wrapper = ["sh", "-c",
               'echo $$ > "%s/${OMPI_COMM_WORLD_RANK:-$PMIX_RANK}.pid"; '
               'exec "$@"' % piddir, "sh"]
    argv = []
    for word in command:
        argv += wrapper if word == "@RANK@" else [word]
    sys.stdout.flush()
    job = subprocess.Popen(argv, start_new_session=True)
    start = time.monotonic()
    stopped, stop_time, ranks, how = None, None, {}, "stopped"
    while job.poll() is None:
        now = time.monotonic()
        ranks.update(pids(piddir))
        if stopped is None:
            for rank, pid in ranks.items():
                if state(pid) in ("T", None, "Z"):
                    stopped, stop_time = rank, now
                    how = "stopped" if state(pid) == "T" else "killed"
        deadline = stop_time + limit if stop_time is not None else start + GUARD
        if now > deadline:
            os.killpg(job.pid, signal.SIGKILL)
            for pid in ranks.values():
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            job.wait()
            break
        time.sleep(POLL)
    ranks.update(pids(piddir))
    # The launcher has gone; its ranks may take a moment to be reaped.
    while any(state(p) not in (None, "Z") for p in ranks.values()) and \
            time.monotonic() < (stop_time or start) + limit:
        time.sleep(POLL)
    gone = time.monotonic()
    left = sorted(p for p in ranks.values() if state(p) not in (None, "Z"))
    sys.stdout.flush()
    print("%s: rank %s" % (how, "none" if stopped is None else stopped))
    print("job exit status: %d" % job.returncode)
    if stop_time is not None:
        took = gone - stop_time
        print("every rank gone %.2f s after the stop: %s" %
              (took, "within %g s" % limit if took <= limit and not left
               else "OVER LIMIT"))
    print("left over: %s" % (" ".join(map(str, left)) or "none"))
    for pid in left:
        os.kill(pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
