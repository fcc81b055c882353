"""Peak memory of a benchmark's process and its children (``PeakMemory``)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

# Sampled in a separate process: a thread here would stop the import from forking its
# preparing process (core.processes.can_fork wants a single thread).
_SAMPLER = r"""
import os, signal, sys, time
root, me, peak, stop = int(sys.argv[1]), os.getpid(), 0, []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
def pss(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
    except (OSError, StopIteration):
        return 0
def children(pid):
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found
while not stop:
    pids = [root]
    for pid in pids:
        pids += [c for c in children(pid) if c != me]
    peak = max(peak, sum(pss(p) for p in pids))
    time.sleep(0.2)
print(peak)
"""


class PeakMemory:
    """Peak memory of this process and its children together while the block runs, in MB.

    Proportional set size (``/proc/PID/smaps_rollup``), so pages a forked child shares with
    this process count once; sampled five times a second. Without ``/proc``: the peak RSS of
    this process or its largest child (``getrusage``), a lower bound.
    """

    def __enter__(self) -> PeakMemory:
        self.mb = 0.0
        self._sampler = None
        if Path(f"/proc/{os.getpid()}/smaps_rollup").exists():
            self._sampler = subprocess.Popen(
                [sys.executable, "-c", _SAMPLER, str(os.getpid())], stdout=subprocess.PIPE
            )
        return self

    def __exit__(self, *exc) -> None:
        if self._sampler is None:
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            self.mb = round(max(own, children) / 1024, 1)
            return
        self._sampler.terminate()
        out, _ = self._sampler.communicate()
        self.mb = round(int(out or 0) / 1024, 1)
