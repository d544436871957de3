"""`make compare-pythons`: the chosen scenarios on every usable interpreter among 3.10-3.13.

One process does it all (the usable interpreters, then one `fiberlab run SCENARIO --python
...` per scenario, in this process), so a stop signal to it, or to the make that started
it (FIBERLAB_STOP_WITH_PARENT, fiberlab/stopping.py), stops everything: a shell loop in
the Makefile outlived a make killed by a CI timeout, and its runs went on writing.
Each scenario's result goes (atomically) to OUT/<scenario>.json, where `make report` finds
it. Exit status: the worst of the runs; 2 when no interpreter is usable; 128 + N on a stop.
"""

import argparse
import sys

import scenarios
from fiberlab import cli, output, pythons, stopping, table

DEFAULT_SCENARIOS = ("generator", "pingpong", "deep_chain", "connections")


def usable_interpreters(versions):
    progress = table.Progress()
    usable = []
    for spec in versions:
        interpreter, why_not = pythons.check(spec, progress)
        progress.clear()
        if interpreter is None:
            output.say(f"{spec:<6} unavailable: {why_not}")
        else:
            usable.append(interpreter.version)
    return usable


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.compare_pythons",
                                     description="the scenarios on every usable interpreter, one JSON per scenario")
    parser.add_argument("--out", default="results/pythons", help="folder for <scenario>.json (default %(default)s)")
    parser.add_argument("--scenarios", default=",".join(DEFAULT_SCENARIOS), help="comma-separated (default %(default)s)")
    parser.add_argument("--versions", default=",".join(pythons.DEFAULT_VERSIONS), help="default %(default)s")
    parser.add_argument("run_args", nargs=argparse.REMAINDER, help="after --: more options for each run")
    args = parser.parse_args(argv)
    output.protect_streams()
    previous = stopping.install()
    try:
        usable = usable_interpreters(args.versions.split(","))
        if not usable:
            output.say(f"compare_pythons: no usable interpreter among {args.versions}")
            return 2
        worst = 0
        extra = [arg for arg in args.run_args if arg != "--"]
        for scenario in args.scenarios.split(","):
            if scenario not in scenarios.names():
                continue  # a scenario not in the tree is passed over
            code = cli.main(["run", scenario, "--python", ",".join(usable), "--repeat", "3",
                             "--json", f"{args.out}/{scenario}.json", *extra])
            if code >= 128:  # stopped by a signal: the runs after it would be stopped too
                return code
            worst = max(worst, code)
        return worst
    except stopping.Stopped as exc:
        output.say(f"compare_pythons: {exc.message()}")
        return exc.exit_status
    finally:
        stopping.restore(previous)


if __name__ == "__main__":
    sys.exit(main())
