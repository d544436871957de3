"""The probe: what a scenario reports about itself while it runs.

Contract with scenario files:
- `snapshot(tasks)` is called exactly once, at the scenario's point of
  interest, from a unit of its own while every unit in `tasks` is suspended.
  It reads the process's memory, and only then records the stack picture of
  each unit (through the describe() of the model's runtime: runtime/contract.py).
- `record(name, value)` stores a measurement that is not part of the
  canonical result (latencies, set-up time); values must be JSON data.
- Time spent inside the probe is summed in `spent_s` (wall) and
  `spent_cpu_s` (this process's CPU); the worker subtracts them from the
  scenario's wall and CPU time.

The probe must not perturb what it measures. Describing a unit creates
objects: on CPython 3.11+ walking a fiber's or a thread's `gr_frame`/`f_back`
materialises a frame object per Python frame, and each lives until its frame
returns (~200 B a frame: at depth 1,000 it would add 200 KB to every task).
So memory is read first, before describe() creates anything (the peaks so
far included), what describing added is measured (`created`: RSS and
tracemalloc bytes), and both peaks are reset after it, so that the worker
can take the probe out of the peaks it reads at the end: the larger of the
peak before the probe and the peak after it less what the probe left alive.
"""

import time
import tracemalloc

import psutil

from fiberlab import memory_status


class ProbeMisuse(RuntimeError):
    pass


class Probe:
    def __init__(self, describe, read_memory=True):
        """describe: the runtime's describe(), reader of one suspended unit, or None to read memory only
        (the memory-slope runs: there the stack picture is not used)."""
        self.describe = describe
        self.read_memory = read_memory
        self.spent_s = 0.0
        self.spent_cpu_s = 0.0
        self.stack = None  # filled by snapshot()
        # At the snapshot, before describing: rss_bytes, uss_bytes, hwm_bytes (the peak so far),
        # and, under tracemalloc, traced_bytes and traced_peak_bytes.
        self.memory = None
        self.created = {"rss_bytes": 0, "traced_bytes": 0}  # what describing added (still alive after it)
        self.records = {}

    def snapshot(self, tasks):
        started, cpu_started = time.perf_counter(), time.process_time()
        if self.stack is not None:
            raise ProbeMisuse("probe.snapshot() called twice; the contract is once")
        tracing = tracemalloc.is_tracing()
        if self.read_memory:
            info = psutil.Process().memory_full_info()
            self.memory = {"rss_bytes": info.rss, "uss_bytes": info.uss, "hwm_bytes": memory_status.peak_rss()}
            if tracing:
                self.memory["traced_bytes"], self.memory["traced_peak_bytes"] = tracemalloc.get_traced_memory()
        rss_before = memory_status.rss() or 0
        traced_before = tracemalloc.get_traced_memory()[0] if tracing else 0
        units = [self.describe(task) for task in tasks] if self.describe else []
        self.stack = summarize(units) if self.describe else {"tasks": len(tasks)}
        self.created = {
            "rss_bytes": max(0, (memory_status.rss() or 0) - rss_before),
            "traced_bytes": max(0, tracemalloc.get_traced_memory()[0] - traced_before) if tracing else 0,
        }
        # Describing's own passing peak (temporaries freed inside it) is not the scenario's:
        # start both peaks again from here; the peak before was read above.
        if tracing:
            tracemalloc.reset_peak()
        if self.read_memory:
            memory_status.reset_peak()
        self.spent_s += time.perf_counter() - started
        self.spent_cpu_s += time.process_time() - cpu_started

    def record(self, name, value):
        self.records[name] = value


def _mean(values):
    values = [value for value in values if value is not None]
    return sum(values) / len(values) if values else None


def _extreme(pick, values):
    values = [value for value in values if value is not None]
    return pick(values) if values else None


def summarize(units):
    """Per-task means of what `describe` found on each suspended unit; for the C
    stack greenlet copied, also the least and the most across units (it depends
    on where a fiber started, so a spread says the units were not alike).

    Each field is one part of what a task holds, not the whole (the USS slope,
    memory.bytes_per_task, is the whole): c_stack_bytes the C stack copied to
    the heap, frame_bytes the Python frames (sys.getsizeof of each), and for a
    thread c_stack_reserved_bytes, address space reserved, not memory used."""
    copied = [unit["c_stack_bytes"] for unit in units]
    return {
        "tasks": len(units),
        "frames_per_task": _mean([unit["frames"] for unit in units]),
        "c_stack_bytes_per_task": _mean(copied),
        "c_stack_bytes_min": _extreme(min, copied),
        "c_stack_bytes_max": _extreme(max, copied),
        "frame_bytes_per_task": _mean([unit["frame_bytes"] for unit in units]),
        "c_stack_reserved_bytes_per_task": _mean([unit.get("c_stack_reserved_bytes") for unit in units]),
    }
