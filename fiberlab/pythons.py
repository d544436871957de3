"""`python -m fiberlab pythons [VERSION ...]`: which interpreters this machine can run the lab on.

For each version (default 3.10 to 3.13) it finds the interpreter and prepares
its venv in .venv-pythons/ exactly as `run --python` would, and prints one line:
where it is and its greenlet and gevent versions, or why it is unavailable.
With --usable it prints only the usable versions, comma-separated, on stdout
(the lines go to stderr), which is what `make compare-pythons` passes to
`run --python`. Exit 2 when none is usable.
"""

import sys

from fiberlab import interpreters, table
from fiberlab.options import EXIT_OK, UsageError

DEFAULT_VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def add_parser(verbs):
    parser = verbs.add_parser("pythons", help="find interpreters (default 3.10-3.13) and prepare their venvs")
    parser.add_argument("versions", nargs="*", default=list(DEFAULT_VERSIONS), metavar="VERSION",
                        help="versions or paths to try (default: %(default)s)")
    parser.add_argument("--usable", action="store_true",
                        help="print only the usable ones, comma-separated, for run --python")
    return parser


def check(spec, progress):
    """(usable Interpreter, None) or (None, one line saying why not)."""
    try:
        return interpreters.prepare(interpreters.find(spec), progress), None
    except (interpreters.NotFound, interpreters.InstallFailed) as exc:
        return None, str(exc)


def main(args):
    lines = sys.stderr if args.usable else sys.stdout
    progress = table.Progress()
    usable = []
    for spec in args.versions:
        interpreter, why_not = check(spec, progress)
        progress.clear()
        if interpreter is None:
            print(f"{spec:<6} unavailable: {why_not}", file=lines, flush=True)
            continue
        env = interpreter.environment
        print(f"{interpreter.version:<6} python {env['python']}, greenlet {env['greenlet']}, gevent {env['gevent']}"
              f"  ({interpreter.base})", file=lines, flush=True)
        usable.append(interpreter.version)
    if not usable:
        raise UsageError(f"no usable interpreter among {', '.join(args.versions)}")
    if args.usable:
        print(",".join(usable))
    return EXIT_OK
