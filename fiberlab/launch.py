"""The `fiberlab` command's first module (the console script and `python -m fiberlab`).

It imports the command line (fiberlab/cli.py) only inside main_exit(), so a failure to
load what that pulls in (numpy and scipy, through fiberlab/stats.py) is one line on
stderr and exit 2 rather than a traceback: under a low `ulimit -v` their shared
libraries cannot even be mapped. Everything after the import is fiberlab/cli.py main's.
"""

import resource
import sys

EXIT_USAGE = 2  # fiberlab/options.py's, not imported: nothing but the standard library loads here


def main_exit():
    try:
        from fiberlab import cli
    except (ImportError, MemoryError) as exc:
        sys.stderr.write(f"fiberlab: cannot start: {cannot_load(exc)}\n")
        sys.exit(EXIT_USAGE)
    sys.exit(cli.main())


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
