"""The first module of every command: `fiberlab` (the console script and `python -m
fiberlab`) through main_exit(), the lab's modules through `python -m fiberlab.launch
MODULE ARG ...` (the Makefile's report, sweep and compare-pythons).

What the commands import (numpy and scipy, through fiberlab/stats.py) takes a second or
more to load, and can fail to: this module imports them only inside a guard, so
- too little address space to load them (a low `ulimit -v`: their shared libraries
  cannot even be mapped) is one line on stderr and exit 2, not an ImportError traceback;
- Ctrl-C while they load is one line and exit 130, not a KeyboardInterrupt traceback
  (once loaded, each command handles its own stops: fiberlab/stopping.py).
Nothing but the standard library is imported here.
"""

import resource
import runpy
import signal
import sys

EXIT_USAGE = 2  # fiberlab/options.py's
EXIT_INTERRUPTED = 128 + signal.SIGINT


def main_exit():
    """The `fiberlab` command."""
    with guarded("fiberlab"):
        from fiberlab import cli
    sys.exit(cli.main())


def run_module(argv):
    """`python -m fiberlab.launch MODULE ARG ...`: MODULE run as `python -m MODULE ARG ...`
    runs it, loading guarded. Its own prefix names it in the one line (the last part of its name)."""
    if not argv:
        sys.stderr.write("usage: python -m fiberlab.launch MODULE [ARG ...]\n")
        sys.exit(EXIT_USAGE)
    name = argv[0]
    sys.argv = [name, *argv[1:]]
    with guarded(name.rpartition(".")[2]):
        runpy.run_module(name, run_name="__main__", alter_sys=True)


class guarded:
    """A context in which a failure to load, or Ctrl-C, ends the process with one line."""

    def __init__(self, prefix):
        self.prefix = prefix

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, _traceback):
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            sys.stderr.write(f"{self.prefix}: interrupted by SIGINT\n")
            sys.exit(EXIT_INTERRUPTED)
        if kind is not None and issubclass(kind, (ImportError, MemoryError)):
            sys.stderr.write(f"{self.prefix}: cannot start: {cannot_load(exc)}\n")
            sys.exit(EXIT_USAGE)
        return False


def cannot_load(exc):
    """One line for a failed import: the first line of its cause (numpy wraps the loader's
    error in a page of advice), and the address-space limit when there is one."""
    root = exc.__cause__ or exc
    lines = [line.strip() for line in str(root).splitlines() if line.strip()]
    line = f"{type(root).__name__}: {lines[0]}" if lines else type(root).__name__
    soft, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        line += f" (the address space is limited to {soft // 1024:,} KiB, ulimit -v; too little to load the lab)"
    return line


if __name__ == "__main__":
    run_module(sys.argv[1:])
