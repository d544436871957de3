"""Run a scenario on a model of the registry in this process, loaded as the worker loads it.

harness/worker.py's Scenario does the loading: the registry's model file, its setup
(uvloop's loop), the spec's recursion limit, the model's describe for the probe, and the
hygiene check after the run (an fd, a thread or a task left behind raises Leaked). A
test uses this where a process of its own is not the point: a run here costs
milliseconds, a worker process half a second.
"""

import asyncio
import sys

from coroutines import runner
from harness import worker


class Run:
    """One run's result, its probe, and each unit the probe described (in the order given)."""

    def __init__(self, result, probe, units):
        self.result, self.probe, self.units = result, probe, units


def run(scenario, model_id, params, check_leaks=True):
    """One run of `scenario` on model `model_id` at `params`; returns a Run.
    What the load changes in this process (recursion limit, asyncio's loop) is put back."""
    old_limit = sys.getrecursionlimit()
    try:
        loaded = worker.Scenario({"scenario": scenario, "model": model_id, "params": params, "pass": "check"})
        units, describe = [], loaded.describe
        loaded.describe = lambda unit: units.append(describe(unit)) or units[-1]  # what the probe saw, per unit
        result, probe, _wall_s, _cpu_s = loaded.run(params, check_leaks=check_leaks)
        return Run(result, probe, units)
    finally:
        sys.setrecursionlimit(old_limit)
        runner.use_loop(asyncio.new_event_loop)  # a model's setup (uvloop's loop) must not outlive its run
