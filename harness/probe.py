"""The probe: what a scenario reports about itself while it runs.

Contract with scenario files:
- `snapshot(tasks)` is called exactly once, at the scenario's point of
  interest, from a unit of its own while every unit in `tasks` is suspended.
  It records the stack picture of each unit (through the model's `describe`)
  and the process's memory at that moment.
- `record(name, value)` stores a measurement that is not part of the
  canonical result (latencies, set-up time); values must be JSON data.
- Time spent inside the probe is summed in `spent_s` (wall) and
  `spent_cpu_s` (this process's CPU); the worker subtracts them from the
  scenario's wall and CPU time.
"""

import time

import psutil


class ProbeMisuse(RuntimeError):
    pass


class Probe:
    def __init__(self, describe, read_memory=True):
        self.describe = describe
        self.read_memory = read_memory
        self.spent_s = 0.0
        self.spent_cpu_s = 0.0
        self.stack = None  # filled by snapshot()
        self.memory = None  # {"rss_bytes", "uss_bytes"} at the snapshot
        self.records = {}

    def snapshot(self, tasks):
        started, cpu_started = time.perf_counter(), time.process_time()
        if self.stack is not None:
            raise ProbeMisuse("probe.snapshot() called twice; the contract is once")
        units = [self.describe(task) for task in tasks]
        self.stack = summarize(units)
        if self.read_memory:
            info = psutil.Process().memory_full_info()
            self.memory = {"rss_bytes": info.rss, "uss_bytes": info.uss}
        self.spent_s += time.perf_counter() - started
        self.spent_cpu_s += time.process_time() - cpu_started

    def record(self, name, value):
        self.records[name] = value


def _mean(values):
    values = [value for value in values if value is not None]
    return sum(values) / len(values) if values else None


def summarize(units):
    """Per-task means of what `describe` found on each suspended unit."""
    return {
        "tasks": len(units),
        "frames_per_task": _mean([unit["frames"] for unit in units]),
        "c_stack_bytes_per_task": _mean([unit["c_stack_bytes"] for unit in units]),
        "frame_bytes_per_task": _mean([unit["frame_bytes"] for unit in units]),
    }
