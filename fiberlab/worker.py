"""One worker process: runs one scenario on one model once, and measures it.

Pipeline position: spec -> **worker** -> probe -> compare -> report.
The harness starts `python -m fiberlab.worker`, writes a job (JSON) to its
stdin, and reads the outcome from the job's `out` file. Everything the
worker knows comes from the job; it never reaches back into the harness.

Passes (job["pass"]):
  "check"   one run at the requested parameters in this fresh process: the
            result the harness checks against the reference, and the memory
            and stack picture (peak RSS, RSS/USS deltas at the probe)
  "time"    timed values: one run as an in-process warm-up (at job["warmup_params"]
            if given: a long run warms up at a tenth of its tasks), then job["values"]
            values, each the mean of `loops` back-to-back runs (job["loops"],
            or calibrated here from the warm-up so that a value lasts at least
            VALUE_MIN_S); per value wall and CPU time of run() minus the time
            spent in the probe and the involuntary context switches; every run's
            result digest is returned; after each value, a value of the spec's
            BASELINE (the floor) at the same parameters, warmed up and timed the
            same way, so the harness pairs them (fiberlab/stats.py); with
            job["fixed_params"] (the spec's MARGINAL), after each value also a
            value of the run's fixed part at those parameters (Fixed), whose
            difference from the value the harness takes pair by pair
  "shared"  two models that can share a process, values alternating between
            them (shared_values): the closest pairs for a ratio between the two
  "traced"  one run under tracemalloc (slower: its timing is not used)
  "memory"  a run at reduced work, for the bytes-per-task slope
Every run gets a fresh Probe; the worker checks for leaks after every run
(in the timed pass: after every value, so the check is not a cost per run).
A worker that dies (signal, hard exit) leaves no out file; the harness
reports that as the model's crash.

Memory is this process's own: peak RSS is VmHWM (fiberlab/memory_status.py;
getrusage's ru_maxrss would be the harness's), and the peak above the RSS
the worker had just before run(). What the probe created while describing
(frame objects, alive until their frames return) is taken out of the peak and
of tracemalloc's peak, and the USS/RSS deltas are read before it existed.

The garbage collector: job["gc"] "on" (default, as users run) or "off"
(gc.disable() before the run; in the timed pass, before the warm-up); the
check, traced and memory passes report the time spent in collections during
run() as gc_s (fiberlab/gc_clock.py).

Hygiene: after the scenario returns, the worker checks that it left nothing
behind: an open fd or a thread of the process's, and whatever the model's
runtime names in its leftovers() (a fiber or gevent greenlet still suspended,
an asyncio task still pending, a thread still running); a leak is that
model's error, since a scenario that leaks has not finished the work it is
timed for. The worker knows a model's runtime only through the runtime
contract (runtime/contract.py), and imports no other model's runtime (the
shared pass loads the two it was given, and nothing else).
If the job sets "memory_limit_bytes", the worker caps its address space
first, so a model that runs away fails with MemoryError instead of
swamping the machine.
"""

from runtime.lifeline import die_with_parent

die_with_parent()  # first of all: if the harness is SIGKILLed before we have even started, we go too

import gc
import json
import math
import os
import resource
import sys
import threading
import time
import tracemalloc

import psutil

import scenarios
from fiberlab import memory_status
from fiberlab.gc_clock import GcClock
from fiberlab.models import all_models, load_function
from fiberlab.outcome import Outcome, out_of_memory
from fiberlab.probe import Probe
from fiberlab.result import Stack
from fiberlab.trace import Tracer
from runtime import process
from scenarios.common import canonical_json, digest
from scenarios.spec import Unsupported


def one_line(exc):
    text = (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def open_fds():
    """The fds open now. The one os.listdir used is closed again by the time
    we fstat it, so it drops out."""
    fds = set()
    for name in os.listdir("/proc/self/fd"):
        try:
            os.fstat(int(name))
        except OSError:
            continue
        fds.add(int(name))
    return fds


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def leaks(runtime, fds_before, threads_before=()):
    """One line naming what the scenario left behind, or None if nothing: the process's
    fds and threads, then what the model's runtime says the run left (leftovers())."""
    gc.collect()  # an unreachable socket closes here: only a kept one is a leak
    found = []
    fds = len(open_fds() - fds_before)
    if fds:
        found.append(f"{plural(fds, 'fd')} left open")
    leftovers = runtime.leftovers()
    named = {id(unit) for leftover in leftovers for unit in leftover.units}  # the runtime's own threads, told once
    threads = len([thread for thread in threading.enumerate()
                   if thread not in threads_before and id(thread) not in named])
    if threads:
        found.append(f"{plural(threads, 'thread')} still running")
    for leftover in leftovers:
        found.append(f"{plural(len(leftover.units), leftover.noun)} {leftover.state}")
    return "leak: " + ", ".join(found) if found else None


def limit_memory(limit_bytes):
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))


VALUE_MIN_S = 0.05  # a timed value lasts at least this long: perf_counter and the scheduler tick stay small beside it
MAX_LOOPS = 1_000  # runs per value at most: a run of a few microseconds is mostly the harness's own set-up


class Scenario:
    """One scenario on one model, loaded in this process and ready to run again and again."""

    def __init__(self, job):
        self.model = all_models()[job["model"]]
        self.spec = scenarios.load(job["scenario"])
        self.notes = []
        if self.spec.recursion_limit is not None:
            limit = self.spec.recursion_limit(job["params"])
            if limit > sys.getrecursionlimit():
                sys.setrecursionlimit(limit)
                self.notes.append(f"recursion limit raised to {limit:,}")
        # Loaded and set up through runtime/process.py, which hands both on to any
        # process the scenario starts for this run (connections' split mode).
        self.runtime = process.adopt(self.model.runtime, self.model.setup)
        self.module = __import__(self.model.module_name(job["scenario"]), fromlist=["run"])
        # The memory-slope runs need only the memory read, not the stack picture.
        self.describe = None if job["pass"] == "memory" else self.runtime.describe
        # --trace: a process of its own, so the instrument is in no other run.
        self.tracer = Tracer(self.model.id) if job.get("trace") else None
        if self.tracer:
            self.runtime.add_instrument(self.tracer)
        self.runtime.prepare()
        gc.collect()
        self.fds_before = open_fds()
        self.threads_before = set(threading.enumerate())  # the main thread, and any a runtime keeps for good

    def run(self, params, timed=False, check_leaks=True):
        """One run with a fresh probe: (result, probe, wall_s, cpu_s), the probe's time taken out.
        Raises Leaked if the run left something behind. timed=True: a run of the timed pass,
        whose memory figures are not used, so the probe does not read them, and the leak check
        waits for check_leaks() after the value (a leak still shows there: nothing ends it).
        check_leaks=False: the caller checks, later (one_run: after the gc clock has stopped, since
        the check collects)."""
        probe = Probe(self.describe, read_memory=not timed)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = self.module.run(params, probe)
        wall_s = time.perf_counter() - started - probe.spent_s
        cpu_s = time.process_time() - cpu_started - probe.spent_cpu_s
        if probe.stack is None:
            raise RuntimeError("the scenario never called probe.snapshot()")
        if check_leaks and not timed:
            self.check_leaks()
        return result, probe, wall_s, cpu_s

    def check_leaks(self):
        leak = leaks(self.runtime, self.fds_before, self.threads_before)
        if leak:
            raise Leaked(leak)


class Leaked(Exception):
    """A run left an fd, a thread or a task behind; the message is the one line."""


def run_job(job):
    if job.get("memory_limit_bytes"):
        limit_memory(job["memory_limit_bytes"])
    try:
        if job["pass"] == "shared":
            return shared_values(job)
        scenario = Scenario(job)
        if job["pass"] == "time":
            return timed_values(scenario, job)
        return one_run(scenario, job)
    except Leaked as exc:
        return Outcome(status="error", error=str(exc))


def one_run(scenario, job):
    """The check, traced and memory passes: one run in this fresh process, its memory and stack picture."""
    params = job["params"]
    before = psutil.Process().memory_full_info()
    start_rss = memory_status.rss()
    if job.get("gc", "on") == "off":
        gc.disable()
    if job["pass"] == "traced":
        tracemalloc.start()
    with GcClock() as gc_clock:
        result, probe, wall_s, cpu_s = scenario.run(params, check_leaks=False)
    traced_peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
    tracemalloc.stop()
    gc.enable()
    peak_rss = without_probe(probe, memory_status.peak_rss(), "hwm_bytes", "rss_bytes")
    traced_peak = without_probe(probe, traced_peak, "traced_peak_bytes", "traced_bytes")
    scenario.check_leaks()
    return Outcome(
        status="ok",
        digest=digest(result),
        result_preview=canonical_json(result)[:200],
        wall_s=wall_s,
        cpu_s=cpu_s,
        gc=job.get("gc", "on"),
        gc_s=gc_clock.total_s,
        gc_collections=gc_clock.collections,
        peak_rss_bytes=peak_rss,
        start_rss_bytes=start_rss,
        peak_rss_above_start_bytes=peak_rss - start_rss if peak_rss is not None and start_rss else None,
        rss_delta_bytes=probe.memory["rss_bytes"] - before.rss,
        uss_delta_bytes=probe.memory["uss_bytes"] - before.uss,
        traced_peak_bytes=traced_peak,
        stack=Stack.from_json(probe.stack),
        records=probe.records,
        notes=scenario.notes,
        # What of the canonical result a reader wants to see, not only its digest.
        result_summary=scenario.spec.summarize(result) if scenario.spec.summarize is not None else None,
        # The same events --trace printed, for the switch timeline.
        switches=scenario.tracer.switches() if job.get("trace") else None,
    )


def involuntary_switches():
    """Times the kernel took the CPU from this process (every thread) so far: a value during which
    this grows was shared with something else (the load of a busy machine)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_nivcsw


def calibrated_loops(warm_s, batch):
    """The loop count that makes a value last VALUE_MIN_S: from one warm run's time warm_s,
    growing (at most 10x a step) and timing batch(loops) -> seconds, warm, until a batch lasts
    that long; those runs are warm-up too."""
    loops = 1
    while warm_s < VALUE_MIN_S and loops < MAX_LOOPS:
        loops = min(MAX_LOOPS, math.ceil(loops * min(10.0, 1.2 * VALUE_MIN_S / max(warm_s, 1e-6))))
        warm_s = batch(loops)
    return loops


class Floor:
    """The spec's BASELINE in this worker: the same work done the barest way, timed as a value is
    (warm, `loops` calls a value, wall and CPU time, involuntary switches), one value after each
    of the model's own, so both see the same machine. The function is `floor(params, timed)`:
    it sets up, runs its loop inside `with timed:` and returns the ops that loop performed."""

    def __init__(self, path, params):
        self.function, self.params = load_function(path), params
        self.wall, self.cpu, self.switches = [], [], []
        self.loops = calibrated_loops(self.call()[0], self.batch)

    def call(self):
        """One call: (wall_s, cpu_s, ops) of its timed loop."""
        stopwatch = Stopwatch()
        ops = self.function(self.params, stopwatch)
        return stopwatch.wall_s, stopwatch.cpu_s, ops

    def batch(self, loops):
        return sum(self.call()[0] for _ in range(loops))

    def value(self):
        """One floor value, in ns per op on each clock."""
        switches = involuntary_switches()
        wall = cpu = ops = 0
        for _ in range(self.loops):
            wall_s, cpu_s, call_ops = self.call()
            wall, cpu, ops = wall + wall_s, cpu + cpu_s, ops + call_ops
        self.switches.append(involuntary_switches() - switches)
        self.wall.append(wall / ops * 1e9)
        self.cpu.append(cpu / ops * 1e9)

    def outcome(self):
        return {"wall_ns_per_op": self.wall, "cpu_ns_per_op": self.cpu, "involuntary_switches": self.switches,
                "loops": self.loops}


class Fixed:
    """The fixed part of a run (the spec's MARGINAL: deep_chain's build and unwind with one
    exchange), timed in this worker at job["fixed_params"] as a value is: warmed up, at the value's
    own loop count, on both clocks, one fixed value right after each of the model's, so the two of a
    pair saw the same machine and their difference is the marginal part (fiberlab/pipeline.py)."""

    def __init__(self, scenario, params, loops):
        self.scenario, self.params, self.loops = scenario, params, loops
        self.wall, self.cpu, self.digests = [], [], set()
        result, _probe, _wall, _cpu = scenario.run(params)  # the warm-up, checked for leaks
        self.digests.add(digest(result))

    def value(self):
        wall = cpu = 0.0
        for _ in range(self.loops):
            result, _probe, wall_s, cpu_s = self.scenario.run(self.params, timed=True)
            wall, cpu = wall + wall_s, cpu + cpu_s
            self.digests.add(digest(result))
        self.scenario.check_leaks()
        self.wall.append(wall / self.loops)
        self.cpu.append(cpu / self.loops)

    def outcome(self):
        return {"wall_values": self.wall, "cpu_values": self.cpu, "digests": sorted(self.digests)}


class Stopwatch:
    """`with stopwatch:` times its block on both clocks (a floor's loop, without its set-up)."""

    def __enter__(self):
        self.started = (time.perf_counter(), time.process_time())
        return self

    def __exit__(self, *exc):
        self.wall_s = time.perf_counter() - self.started[0]
        self.cpu_s = time.process_time() - self.started[1]


def timed_values(scenario, job):
    """The timed pass: warm-up, calibration (unless job["loops"] is given), then the values,
    each followed by a value of the floor (the spec's BASELINE) when there is one.

    Each value is the mean wall (and CPU) time of `loops` back-to-back runs, with the involuntary
    context switches it suffered; the digests of all runs, warm-up included, come back for the
    harness to check, and the probe's records of the first value's last run (a run alone on the
    machine: the latency figures)."""
    params = job["params"]
    if job.get("gc", "on") == "off":
        gc.disable()  # for the whole pass, warm-up included (the leak checks still collect explicitly)
    warmup_params = job.get("warmup_params")
    # The in-process warm-up: imports, caches, allocator; for a long run at a tenth of its
    # tasks (job["warmup_params"]; fiberlab/timing_plan.py), its digest returned on its own.
    result, warm_probe, warm_s, _cpu = scenario.run(warmup_params or params)
    warmup_digest = digest(result) if warmup_params else None
    digests = set() if warmup_params else {digest(result)}
    loops = job.get("loops")
    if loops is None and warmup_params:
        # A long run: a run at the timed size lasts about the warm-up's time scaled by the sizes,
        # and if that is short after all, the batches below time runs at the timed size.
        warm_s *= max((params[name] / value for name, value in warmup_params.items()
                       if type(value) is int and value and params[name] != value), default=1)

    def batch(count):
        spent = 0.0
        for _ in range(count):
            result, _probe, wall_s, _cpu = scenario.run(params, timed=True)
            spent += wall_s
            digests.add(digest(result))
        scenario.check_leaks()
        return spent

    if loops is None:
        loops = calibrated_loops(warm_s, batch)
    baseline = scenario.spec.BASELINE
    floor = Floor(baseline[0], params) if baseline and not job.get("trace") else None
    fixed = Fixed(scenario, job["fixed_params"], loops) if job.get("fixed_params") else None
    walls, cpus, switches, records = [], [], [], None
    for _ in range(job["values"]):
        wall = cpu = 0.0
        before = involuntary_switches()
        for _ in range(loops):
            result, probe, wall_s, cpu_s = scenario.run(params, timed=True)
            wall, cpu = wall + wall_s, cpu + cpu_s
            digests.add(digest(result))
        switches.append(involuntary_switches() - before)
        records = probe.records if records is None else records
        scenario.check_leaks()
        walls.append(wall / loops)
        cpus.append(cpu / loops)
        if fixed:
            fixed.value()  # right after the model's value, as the floor is
        if floor:
            floor.value()  # right after the model's value: the pair shares the machine's state
    return Outcome(status="ok", digests=sorted(digests), result_preview=canonical_json(result)[:200],
                   wall_values=walls, cpu_values=cpus, involuntary_switches=switches, loops=loops,
                   notes=scenario.notes, warmup_digest=warmup_digest, records=records,
                   floor=floor.outcome() if floor else None, fixed=fixed.outcome() if fixed else None,
                   stack=Stack.from_json(warm_probe.stack))  # the warm-up's: a timed pass sees what the check saw


def shared_values(job):
    """The shared pass: two models (job["models"]) of one scenario in this one process, each warmed
    up where its own timed processes were (job["warmup_params"][model], if given: a long run warms
    up at a tenth of its tasks, and that warm-up's digest is returned on its own), then
    job["values"] values of each, alternating A B, B A, A B, ... so every pair of values is
    as close in time as two values can be; each value `loops` runs (job["loops"][model], as the
    model's own timed processes calibrated it), each followed by its fixed value where the job has
    fixed_params (Fixed). Only for runtimes that can share a process (fiberlab/timing_plan.py
    SHARED). Returns per model its wall and CPU values and digests (and "fixed": Fixed.outcome())."""
    params, ids = job["params"], job["models"]
    if job.get("gc", "on") == "off":
        gc.disable()
    loaded = {model_id: Scenario(dict(job, model=model_id)) for model_id in ids}
    fds, threads = open_fds(), set(threading.enumerate())
    for scenario in loaded.values():  # each one's leak check starts from what both runtimes keep for good
        scenario.fds_before, scenario.threads_before = fds, threads
    out = {model_id: {"wall_values": [], "cpu_values": [], "digests": set()} for model_id in ids}
    fixed, warmups = {}, job.get("warmup_params") or {}
    for model_id, scenario in loaded.items():
        warmup_params = warmups.get(model_id)
        result, _probe, _wall, _cpu = scenario.run(warmup_params or params)  # the warm-up, checked for leaks
        if warmup_params:
            out[model_id]["warmup_digest"] = digest(result)
        else:
            out[model_id]["digests"].add(digest(result))
        if job.get("fixed_params"):
            fixed[model_id] = Fixed(scenario, job["fixed_params"], job["loops"][model_id])
    for index in range(job["values"]):
        for model_id in (ids if index % 2 == 0 else ids[::-1]):  # neither always goes first
            scenario, mine, loops = loaded[model_id], out[model_id], job["loops"][model_id]
            wall = cpu = 0.0
            for _ in range(loops):
                result, _probe, wall_s, cpu_s = scenario.run(params, timed=True)
                wall, cpu = wall + wall_s, cpu + cpu_s
                mine["digests"].add(digest(result))
            scenario.check_leaks()
            mine["wall_values"].append(wall / loops)
            mine["cpu_values"].append(cpu / loops)
            if model_id in fixed:
                fixed[model_id].value()
    for model_id, mine in out.items():
        mine["digests"] = sorted(mine["digests"])
        if model_id in fixed:
            mine["fixed"] = fixed[model_id].outcome()
    return Outcome(status="ok", models=out, result_preview=canonical_json(result)[:200])


def without_probe(probe, peak_at_end, peak_field, created_field):
    """A peak read at the end of the run, less what the probe created (still alive then).

    The probe read the peak so far before it described anything; after that,
    the objects describing made live until their frames return, so any later
    peak holds them: take them out. If the peak came after they died, this
    understates it by at most what they weigh."""
    if peak_at_end is None or not probe.memory or probe.memory.get(peak_field) is None:
        return peak_at_end
    return max(probe.memory[peak_field], peak_at_end - probe.created[created_field])


def main():
    job = json.loads(sys.stdin.read())
    ran_out = None
    try:
        outcome = run_job(job)
    except Unsupported as exc:
        # The model cannot express this run (e.g. a stackless one suspending through a
        # C frame): a result of its own, with the runtime's exception as the message.
        outcome = Outcome(status="unsupported", error=str(exc)[:300])
    except MemoryError as exc:
        # Only the name, here: the frames holding the model's allocations live until this
        # block ends, and building the outcome now could itself raise MemoryError (asyncio's
        # loop held on to enough that it did, and the worker exited without a result).
        ran_out = type(exc).__name__
    except BaseException as exc:  # noqa: BLE001 - any failure is this model's result
        outcome = Outcome(status="error", error=one_line(exc))
        if job.get("memory_limit_bytes") and "can't start new thread" in str(exc):
            # under the cap, a thread's stack is an allocation like any other
            outcome.error = out_of_memory(job["memory_limit_bytes"], one_line(exc))
    if ran_out:
        gc.collect()  # whatever the run still held in cycles goes before the line is built
        outcome = Outcome(status="error", error=out_of_memory(job.get("memory_limit_bytes"), ran_out))
    sys.stdout.flush()
    # The harness reads this unlinked file once we have exited with status 0; a
    # write cut short leaves JSON it cannot parse, which it reports as no result.
    with os.fdopen(job["out_fd"], "w") as handle:
        json.dump(outcome.to_json(), handle)

if __name__ == "__main__":
    main()
