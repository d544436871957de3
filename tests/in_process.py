"""Run a scenario on a model of the registry in this process, loaded as the worker loads it.

fiberlab/worker.py's Scenario does the loading: the registry's model file, its setup
(uvloop's loop), the spec's recursion limit, the model's describe for the probe, and the
hygiene check after the run (an fd, a thread or a task left behind raises Leaked). A
test uses this where a process of its own is not the point: a run here costs
milliseconds, a worker process half a second.

One difference from a worker: this process has run other tests. So the hygiene check
compares with what it found before the run (another test's runtime state, e.g. the
names of tasks an earlier asyncio run left pending), and fails on what the run adds.
"""

import asyncio
import os
import sys

from coroutines import runner
from fiberlab import worker
from runtime import process


def params(spec, *overlays, **overrides):
    """The spec's default parameters, with each overlay (spec.SMALL, a size) and then `overrides` on top."""
    merged = {param.name: param.default for param in spec.PARAMS}
    for overlay in overlays:
        merged |= overlay
    return merged | overrides


class Run:
    """One run's result, its probe, and each unit the probe described (in the order given)."""

    def __init__(self, result, probe, units):
        self.result, self.probe, self.units = result, probe, units


def what_is_left(loaded):
    """What the worker's hygiene check finds, as a set of its items ("2 fds left open", ...)."""
    try:
        loaded.check_leaks()
    except worker.Leaked as leaked:
        return set(str(leaked).removeprefix("leak: ").split(", "))
    return set()


def forget_last_run(runtime):
    """Run an empty program, so that a runtime whose leftovers() speaks of its last run (fibers,
    bare coroutines, asyncio) names only what this test's run leaves, not what an earlier
    test's did: else a run leaking as much as the one before would compare equal and pass."""
    if runtime.stack == "stackless":
        async def nothing():
            pass
    else:
        def nothing():
            pass
    runtime.run(nothing)


def run(scenario, model_id, params, check_leaks=True):
    """One run of `scenario` on model `model_id` at `params`; returns a Run, or raises
    worker.Leaked if the run left something behind (check_leaks=False: not looked at; the
    check scans this process's heap twice, which after a few hundred tests takes ~0.2 s).
    What the load changes in this process (recursion limit, asyncio's loop) is put back."""
    old_limit = sys.getrecursionlimit()
    old_env = {name: os.environ.get(name) for name in (process.RUNTIME_ENV, process.SETUP_ENV)}
    try:
        loaded = worker.Scenario({"scenario": scenario, "model": model_id, "params": params, "pass": "check"})
        units, describe = [], loaded.describe
        loaded.describe = lambda unit: units.append(describe(unit)) or units[-1]  # what the probe saw, per unit
        if check_leaks:
            forget_last_run(loaded.runtime)
        before = what_is_left(loaded) if check_leaks else set()
        result, probe, _wall_s, _cpu_s = loaded.run(params, check_leaks=False)
        added = what_is_left(loaded) - before if check_leaks else set()
        if added:
            raise worker.Leaked(f"leak: {', '.join(sorted(added))} (before the run: {', '.join(sorted(before)) or 'nothing'})")
        return Run(result, probe, units)
    finally:
        sys.setrecursionlimit(old_limit)
        runner.use_loop(asyncio.new_event_loop)  # a model's setup (uvloop's loop) must not outlive its run
        for name, value in old_env.items():  # nor what adopt() told the processes this one starts
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
