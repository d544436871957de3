"""No child outlives its parent: the kernel's parent-death signal, asked for first thing.

A process that starts another for the same work (the harness its workers, a
worker its split-mode clients) puts its pid in the child's environment with
child_env(); the child calls die_with_parent() first of all. If the parent
dies, even of SIGKILL, which nothing can catch, the kernel signals the child.
"""

import ctypes
import os
import signal
import sys

PARENT_ENV = "FIBERLAB_PARENT_PID"  # the pid a child expects as its parent (see die_with_parent)
PR_SET_PDEATHSIG = 1


def child_env(env=None):
    """`env` (default: ours) for a child that will call die_with_parent(): our pid added."""
    return dict(env if env is not None else os.environ, **{PARENT_ENV: str(os.getpid())})


def die_with_parent(signum=signal.SIGKILL):
    """Ask the kernel for SIGNUM when our parent dies; exit at once if it already has.

    Linux only (prctl); elsewhere a no-op. The parent's pid comes in PARENT_ENV,
    since by the time we ask, a parent that died is no longer our parent."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0)
    expected = os.environ.pop(PARENT_ENV, None)  # not inherited: our own children have another parent
    if expected and os.getppid() != int(expected):
        os._exit(1)
