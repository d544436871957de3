"""`python -m fiberlab.group_guard CMD ...`: run CMD so that nothing of it outlives the harness.

A compiler is a tree of processes (g++ -> cc1plus -> as); the parent-death signal
the kernel offers reaches one process only, the direct child. So the harness starts
this guard instead, as the leader of a process group of its own
(fiberlab.stopping.start), and the guard:
- asks for SIGTERM when the harness dies, even of SIGKILL (runtime/lifeline.py's die_with_parent);
- on SIGTERM, SIGINT or SIGHUP kills its whole group, CMD's tree with it;
- otherwise waits for CMD and exits with its status (128 + N if a signal ended it).
Discussion: a Python start per compile (about 20 ms) against seconds of compiling.
"""

import os
import signal
import subprocess
import sys

from runtime.lifeline import die_with_parent


def _kill_group(_signum, _frame):
    os.killpg(0, signal.SIGKILL)  # ourselves included: nothing of the group is left


def main(command):
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _kill_group)
    die_with_parent(signal.SIGTERM)
    try:
        child = subprocess.Popen(command)
    except OSError as exc:
        print(f"{command[0]}: {exc.strerror or exc}", file=sys.stderr)
        return 127
    status = child.wait()
    return 128 - status if status < 0 else status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
