"""The harness pipeline for one scenario: spec -> worker -> probe -> compare -> report.

run_scenario() takes a spec, checked parameters and the run's Options, runs every
model in fresh worker processes and returns a Result (fiberlab/result.py; docs/result-schema.md).
Per model:
- its untimed runs, each a fresh process, one after the other as a chain, with
  MEMORY_JOBS models' chains side by side: first the check (one run at the
  requested size: the result compared with the reference, memory and stack),
  then, if it passed, one tracemalloc run and small runs at two task counts for
  the memory slope (the check's wall time decides the timed size, which the
  tracemalloc run may use: traced_params);
- then, alone on the machine, the timed processes of the Plan: each warms up
  in-process and takes several values (fiberlab/worker.py), every run's result
  compared with the reference too. Values from all processes are pooled
  (fiberlab/stats.py).
A model that fails is recorded as failed, and the next model still runs.
"""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fiberlab import environment, fd_budget, native, stats, stopping
from fiberlab.models import all_models
from fiberlab.outcome import Outcome
from fiberlab.result import Environment, Floor, Kind, Memory, ModelEntry, Result, Summary, Timing
from scenarios.common import canonical_json, digest

REPO_ROOT = Path(__file__).resolve().parent.parent
# Task counts of the memory-slope runs. Measured on pingpong (greenlet, asyncio, threads): the
# slope at (200, 1,000) is within 1.2% of the one at (500, 2,500) and steady run to run, at a
# quarter of the cost for threads (2,000 threads instead of 5,000); (100, 500) drifts 2% low.
SLOPE_COUNTS = (200, 1000)


def run_worker(job, timeout, python=sys.executable, argv=None, spec=None):
    """Run one job in a fresh `PYTHON -m fiberlab.worker`; return its Outcome.

    argv: None, or a function of the job (with its "out_fd") giving the command to
    run instead: a native model's binary (fiberlab/native.py), whose output is read
    in the worker's format through native.adapt(outcome, spec).

    The worker gets its own session (process group), so a timeout or a stop
    signal (fiberlab.stopping) kills it and anything it started. It writes its
    outcome into an unlinked temporary file it inherits as fd job["out_fd"]:
    nothing is left on disk however either side dies, even by SIGKILL."""
    with tempfile.TemporaryFile("w+") as out:
        job = dict(job, out_fd=out.fileno())
        proc = stopping.start(
            argv(job) if argv else [python, "-m", "fiberlab.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO_ROOT,
            pass_fds=(out.fileno(),),
        )
        try:
            stdout, stderr = proc.communicate(json.dumps(job), timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return Outcome(status="timeout", error=f"no result within {timeout:g} s; worker killed")
        except BaseException:
            _kill_group(proc)  # a stop signal in the fiberlab: leave no worker behind
            raise
        finally:
            stopping.forget(proc)
        stopping.check()  # a pool thread whose worker the stop handler killed ends here
        if proc.returncode < 0:
            name = signal.Signals(-proc.returncode).name
            # Nobody here sends SIGKILL before the timeout, so it is most likely the kernel's OOM killer.
            hint = " (out of memory? the kernel's OOM killer sends it)" if name == "SIGKILL" else ""
            return Outcome(status="crashed", error=f"worker killed by {name}{hint}", signal=name, stdout=stdout)
        out.seek(0)
        text = out.read()
        try:
            outcome = json.loads(text) if proc.returncode == 0 else None
        except ValueError:
            outcome = None  # cut short mid-write: no result, as if there were none
        if not isinstance(outcome, dict):
            last = (stderr.strip().splitlines() or ["no output"])[-1][:300]
            return Outcome(status="crashed", error=f"worker exited {proc.returncode} without a result: {last}")
        outcome = Outcome.from_json(native.adapt(outcome, spec) if spec else outcome)
        outcome.stdout = stdout
        return outcome


def _kill_group(proc):
    stopping.kill_group(proc)
    proc.wait()


def slope_params(spec, params):
    """Parameter sets for the memory-slope runs, or [] if the scenario has no task count."""
    if spec.TASK_COUNT is None:
        return []
    name, _units = spec.TASK_COUNT
    limit = next(param.maximum for param in spec.PARAMS if param.name == name)
    # A spec whose tasks grow with another parameter (deep_chain: frames per
    # chain) scales the counts down, so the slope runs stay small.
    counts = spec.slope_counts(params) if spec.slope_counts is not None else SLOPE_COUNTS
    points = [dict(params, **(spec.IDLE or {}), **{name: count}) for count in counts if count <= limit]
    return [point for point in points if fd_budget.fits(spec, point)]


def tasks_alive(spec, run_params):
    """Tasks alive in a memory-slope run, as the spec's TASK_COUNT declares them
    (the probe may look at only some of them, e.g. the server side)."""
    name, units = spec.TASK_COUNT
    return run_params[name] * units


@dataclass(frozen=True)
class Plan:
    """How a timing is taken: `processes` fresh timed workers, each taking `values`
    values after its in-process warm-up; with size_values, a value whose run at the
    requested size would last longer than VALUE_MAX_S is timed at fewer repetitions of
    the spec's TIME_BY parameter (a pure repetition count: rounds, items; the result is
    still checked at the requested size), and a run that has no such parameter (its size
    is what the scenario shows: connections, leaves, tasks) is timed at the requested
    size with fewer values per process (values_per_process)."""
    name: str
    processes: int
    values: int
    size_values: bool


PLANS = {
    "fast": Plan("fast", 1, 3, True),
    "default": Plan("default", 3, 3, True),
    "rigorous": Plan("rigorous", 6, 5, False),  # and every value at the requested size
    "check": Plan("check", 0, 0, False),  # no timed process: the check run's time is the one value (sweeps
                                          # that ask only whether a size finishes: a million tasks)
}
# A value must last >= 50 ms (fiberlab/worker.py VALUE_MIN_S); much more only costs time: the default
# plan runs 12 values and warm-ups per model, 29 models in `make run-scenario`.
VALUE_MAX_S = 0.12  # a run longer than this is timed at a smaller size (if the plan and the spec allow)
VALUE_TARGET_S = 0.06  # the run length such a smaller size aims at
MEMORY_JOBS = min(2, os.cpu_count() or 1)  # untimed runs (check, tracemalloc, slope) run this many at once


PROCESS_VALUES_S = 0.5  # a sized plan's timed process spends about this long on values of a long run
WARMUP_SHARE = 10  # a long run's warm-up runs at 1/WARMUP_SHARE of its task count (warmup_params)


def values_per_process(plan, run_s):
    """Values per timed process: the plan's, or, for a sized plan timing a run at the requested
    size (run_s: the check run's wall time; None when the run was made shorter by TIME_BY) that
    lasts long, as many as fit in PROCESS_VALUES_S, at least one (so at least `processes` values)."""
    if not plan.size_values or run_s is None or run_s <= VALUE_MAX_S:
        return plan.values
    return max(1, min(plan.values, int(PROCESS_VALUES_S / run_s)))


def tenth(spec, params):
    """The requested parameters at a tenth of the spec's task count (not below its minimum),
    or None where the spec has no task count or a tenth would be no smaller."""
    if spec.TASK_COUNT is None:
        return None
    name, _units = spec.TASK_COUNT
    param = next(param for param in spec.PARAMS if param.name == name)
    smaller = max(param.minimum, params[name] // WARMUP_SHARE)
    return dict(params, **{name: smaller}) if smaller < params[name] else None


def warmup_params(spec, params, run_s, plan):
    """Where a timed process warms up: at the timed size (None), or, for a sized plan timing a
    long run at the requested size (run_s as in values_per_process: a spawn of 100,000 leaves,
    1,000 connections, 10,000 idle threads), at a tenth of its task count. A warm-up loads the
    code, fills the caches and the allocator's pools; a run of a tenth does all that in a tenth
    of the time (measured: README, "Timing"). The warm-up's result is checked against the
    reference too, and the worker scales its time to the timed size to decide the loop count."""
    if not plan.size_values or run_s is None or run_s <= VALUE_MAX_S:
        return None
    return tenth(spec, params)


def plan_for_sweep(plan):
    """A sweep's plan: every value at the point's own size. The sweep varies a size, and a smaller
    TIME_BY would change what one point's ns per op holds (deep_chain: the chain walked down once
    per run weighs more at fewer suspensions, and more at depth 10,000 than at 10)."""
    return dataclasses.replace(plan, size_values=False)


def timed_params(spec, params, run_s, plan):
    """The parameters the timed values run at: the requested ones, or, when a run lasts
    run_s > VALUE_MAX_S and the plan sizes values, the spec's TIME_BY parameter scaled so
    that a run lasts about VALUE_TARGET_S (never below its minimum; spec.timed_size rounds)."""
    name = spec.TIME_BY
    if not plan.size_values or name is None or run_s <= VALUE_MAX_S:
        return params
    param = next(param for param in spec.PARAMS if param.name == name)
    value = max(param.minimum, int(params[name] * VALUE_TARGET_S / run_s))
    if spec.timed_size is not None:
        value = spec.timed_size(value, params)
    return dict(params, **{name: value}) if value < params[name] else params


TRACED_TASKS_MAX = 10_000  # a tracemalloc run of more tasks alive goes at a tenth (traced_params)


def traced_params(spec, params, timing_params, plan):
    """Where the tracemalloc run goes, the same for every model of one run: at the timed size
    when the spec's TIME_BY only repeats a step (TIME_BY_REPEATS: what is alive at once does not
    change; pingpong at 2,000 and 100,000 rounds trace the same peak to the byte); under a sized
    plan, at a tenth of the task count when TRACED_TASKS_MAX tasks or more are alive (spawn's
    100,000 leaves, idle's 10,000 tasks), since tracemalloc makes a run 2-3x slower (spawn took
    7-10 s per model under it) and its peak is a figure of its own, said with its size
    (memory.traced_params); else at the requested size."""
    if spec.TIME_BY_REPEATS:
        return timing_params
    if plan.size_values and spec.TASK_COUNT is not None and tasks_alive(spec, params) >= TRACED_TASKS_MAX:
        return tenth(spec, params) or params
    return params


def memory_jobs(spec, params, timing_params, plan, memory_passes=True, slope_runs=True):
    """(label, pass, params) of one model's untimed memory runs: (memory_passes) the tracemalloc
    run (traced_params) and (slope_runs) the memory-slope runs. None of these gives a timing, so
    they run side by side (MEMORY_JOBS at once); each is a fresh process whose memory figures are its own."""
    if not memory_passes:
        return []
    runs = [("tracemalloc", "traced", traced_params(spec, params, timing_params, plan))]
    if slope_runs:
        runs += [(f"memory slope {index}", "memory", point) for index, point in enumerate(slope_params(spec, params), 1)]
    return runs


# A model that cannot express a run at all (scenarios.spec.Unsupported): not a failure.
UNSUPPORTED = "unsupported"


def matched(models):
    """A run matches when no model failed and at least one ran: every entry is ok or
    unsupported, and one is ok. An unsupported model is a finding, not a failure."""
    statuses = [entry.status for entry in models.values()]
    return all(status in ("ok", UNSUPPORTED) for status in statuses) and "ok" in statuses


def failed(status, error, ops, digest=None):
    return ModelEntry(status=status, error=error, digest=digest, ops=ops)


class Expected:
    """Reference digests by parameters, each computed once."""

    def __init__(self, spec, params, reference_digest):
        self.spec, self.known = spec, {canonical_json(params): reference_digest}

    def __call__(self, params):
        key = canonical_json(params)
        if key not in self.known:
            self.known[key] = digest(self.spec.reference(params))
        return self.known[key]


def checked(outcome, label, expected, run_params, ops):
    """None if the outcome is ok and every digest in it is the reference's, else the model's failure entry."""
    if outcome.status == UNSUPPORTED:
        return failed(UNSUPPORTED, outcome.error, ops)  # the same on every pass: no label
    if not outcome.ok:
        return failed(outcome.status, f"{label}: {outcome.error}", ops)
    wanted = expected(run_params)
    got = outcome.digests if outcome.digests is not None else [outcome.digest]
    wrong = [one for one in got if one != wanted]
    if wrong:
        return failed("mismatch", f"{label}: result differs from the reference: {outcome.result_preview}", ops,
                      digest=wrong[0])
    return None


def start(job, timeout, python, binaries, spec):
    """One job's outcome: a fresh `python -m fiberlab.worker`, or the model's native binary (the seam:
    the same job and outcome; fiberlab/native.py)."""
    binary = binaries.get(job["model"])
    if not binary:
        return run_worker(job, timeout, python)
    return run_worker(job, timeout, argv=lambda job: native.argv(binary, job), spec=spec)


def native_binaries(scenario, model_ids, progress):
    """({model_id: built binary} for the native models among model_ids, {model_id: failed entry}).
    The binaries build side by side (MEMORY_JOBS at once; fiberlab/native.py locks per binary):
    nothing is timed while they build."""
    natives = [model_id for model_id in model_ids if all_models()[model_id].native]
    if natives and native.unavailable():
        return {}, {model_id: native.unavailable() for model_id in natives}

    def build(model_id):
        if native.needs_build(all_models()[model_id], scenario):  # said only when something compiles
            progress(f"{scenario} · {model_id} · compiling")
        try:
            return native.binary(all_models()[model_id], scenario), None
        except native.BuildFailed as exc:
            return None, f"build: {exc}"

    with ThreadPoolExecutor(max_workers=MEMORY_JOBS) as pool:
        built = dict(zip(natives, pool.map(build, natives)))
    binaries = {model_id: binary for model_id, (binary, _error) in built.items() if binary}
    return binaries, {model_id: error for model_id, (_binary, error) in built.items() if error}


def planned_steps(scenario, spec, params, model_ids, options):
    """How many times run_scenario will call progress(text) if every model passes its check:
    the compiles it will do, then per model and interpreter its check, its memory runs and its
    timed processes (a model that fails makes fewer; a progress bar's total, not a promise)."""
    known = all_models()
    natives = [model_id for model_id in model_ids if known[model_id].native]
    compiles = 0 if natives and native.unavailable() else sum(
        native.needs_build(known[model_id], scenario) for model_id in natives)
    memory = len(memory_jobs(spec, params, params, options.plan, options.memory_passes and not options.trace,
                             options.slope_runs))
    timed = 0 if options.trace else options.plan.processes
    per_model = 1 + memory + timed
    pythons = len(options.interpreters) or 1
    return compiles + per_model * (len(natives) + (len(model_ids) - len(natives)) * pythons)


@dataclass(frozen=True)
class Options:
    """How a scenario is run (what runs: the scenario, its parameters and the models, are
    run_scenario's arguments). One object, built by the verb that parsed them."""
    plan: Plan = PLANS["default"]
    timeout_s: float = 300.0  # one worker run at most; then it is killed and the model is "timeout"
    trace: bool = False  # print every switch (fiberlab/trace.py); untimed runs one at a time, no memory passes
    memory_limit_bytes: int | None = None  # each worker's address space, or None
    interpreters: tuple = ()  # prepared fiberlab.interpreters; () runs every model on this interpreter
    memory_passes: bool = True  # the tracemalloc run (and, with slope_runs, the memory slope)
    slope_runs: bool = True  # the memory-slope runs (a sweep may fit memory across its points instead)
    gc_mode: str = "on"  # "on", or "off": every worker disables the garbage collector before the run


@dataclass
class Untimed:
    """One model's untimed chain: its check, then, if the check passed, its memory runs."""
    check: Outcome  # the check run's outcome (explained)
    failure: ModelEntry | None = None  # the model's failure entry (check or a memory run), or None
    timing_params: dict | None = None  # where its timed values run (timed_params)
    warmup_params: dict | None = None  # where its timed processes warm up (warmup_params)
    values: int = 0  # values per timed process
    traced: Outcome | None = None  # the tracemalloc run's outcome
    traced_params: dict | None = None  # the parameters of that run
    slope_points: list = dataclasses.field(default_factory=list)  # (tasks alive, USS delta) per slope run
    slope_note: str | None = None  # why the slope is missing, when a slope run failed


class Runner:
    """Runs one scenario's jobs on one interpreter (or a native binary) with the run's Options."""

    def __init__(self, scenario, spec, params, reference_digest, options, progress, interpreter=None):
        self.scenario, self.spec, self.params, self.options, self.progress = scenario, spec, params, options, progress
        self.ops = spec.ops(params)
        self.expected = Expected(spec, params, reference_digest)
        self.python = (interpreter.python, f"@{interpreter.version}") if interpreter else (sys.executable, "")
        self.binaries = {}

    def start(self, model_id, label, pass_, run_params, **extra):
        self.progress(f"{self.scenario} · {model_id}{self.python[1]} · {label}")
        job = {"scenario": self.scenario, "model": model_id, "params": run_params, "pass": pass_,
               "memory_limit_bytes": self.options.memory_limit_bytes, "gc": self.options.gc_mode, **extra}
        return start(job, self.options.timeout_s, self.python[0], self.binaries, self.spec)

    def untimed(self, model_id):
        """The model's untimed chain (Untimed): its check, then, if that passed, the memory runs."""
        options, params = self.options, self.params
        check = explained(self.spec, model_id, params,
                          self.start(model_id, "check", "check", params, trace=options.trace))
        chain = Untimed(check, failure=checked(check, "check", self.expected, params, self.ops))
        if chain.failure:
            return chain
        # The check's wall time: threads and fairness wait far longer than they compute, so CPU
        # time would time them at their full size. On a busy machine the size comes out smaller
        # (timing.params says which); values still last >= 50 ms (the worker's loop count).
        chain.timing_params = timed_params(self.spec, params, check.wall_s, options.plan)
        long_run_s = check.wall_s if chain.timing_params is params else None  # timed at the requested size
        chain.values = values_per_process(options.plan, long_run_s)
        # A native run is short, and its binary warms up at the timed size.
        chain.warmup_params = None if model_id in self.binaries else warmup_params(self.spec, params, long_run_s,
                                                                                   options.plan)
        for label, pass_, run_params in memory_jobs(self.spec, params, chain.timing_params, options.plan,
                                                    options.memory_passes and not options.trace, options.slope_runs):
            outcome = explained(self.spec, model_id, run_params, self.start(model_id, label, pass_, run_params))
            if outcome.status not in ("ok", UNSUPPORTED) and pass_ == "memory":
                # A run the user did not ask for (more tasks than the timed runs, perhaps more than
                # --memory-limit allows) costs the slope, never the model.
                chain.slope_note, chain.slope_points = f"memory slope not measured: {label}: {outcome.error}", []
                break
            chain.failure = checked(outcome, label, self.expected, run_params, self.ops)
            if chain.failure:
                break
            if pass_ == "traced":
                chain.traced, chain.traced_params = outcome, run_params
            else:
                chain.slope_points.append((tasks_alive(self.spec, run_params), outcome.uss_delta_bytes))
        return chain

    def untimed_all(self, model_ids):
        """{model_id: Untimed}: every model's chain, MEMORY_JOBS chains at once (one under --trace).
        A chain starts as soon as a pool thread is free, so no model waits for the slowest check."""
        pool = ThreadPoolExecutor(max_workers=1 if self.options.trace else MEMORY_JOBS)
        futures = {}
        try:  # a stop may come during a submit(), whose thread may have started a worker already
            for model_id in model_ids:
                futures[model_id] = pool.submit(self.untimed, model_id)
            return {model_id: future.result() for model_id, future in futures.items()}
        except BaseException:
            for future in futures.values():
                future.cancel()  # a stop signal: fiberlab.stopping has killed every worker; their threads return
            raise
        finally:
            pool.shutdown(wait=True)

    def timed(self, model_id, chain):
        """The timed processes of one model, one after the other, chain.values values each:
        [(label, outcome)]. The first calibrates the loop count; the others use it, so every
        value times the same work."""
        plan, runs, loops = self.options.plan, [], None
        for index in range(1, plan.processes + 1):
            label = f"timing {index}/{plan.processes}"
            outcome = self.start(model_id, label, "time", chain.timing_params, values=chain.values, loops=loops,
                                 warmup_params=chain.warmup_params)
            runs.append((label, outcome))
            if not outcome.ok:
                break
            loops = outcome.loops
        return runs

    def checked_timed(self, outcome, label, chain):
        """checked() for a timed process: its values' digests, and its warm-up's at warmup_params."""
        failure = checked(outcome, label, self.expected, chain.timing_params, self.ops)
        if failure is None and outcome.warmup_digest is not None:
            warmup = Outcome(status="ok", digest=outcome.warmup_digest, result_preview="(the warm-up's result)")
            failure = checked(warmup, f"{label} warm-up", self.expected, chain.warmup_params, self.ops)
        return failure

    def entry(self, model_id, chain):
        """The model's ModelEntry: from its chain and, unless the plan has no timed process, its timed values."""
        check, plan = chain.check, self.options.plan
        if chain.failure:
            return chain.failure
        if self.options.trace or plan.processes == 0:  # the check run alone: its time is one cold value, flagged noisy
            timed = Timed(params=self.params, ops=self.ops, processes=1, loops=1, walls=[check.wall_s],
                          cpus=[check.cpu_s], value_processes=[1])
            entry = summarize_model(chain, timed, self.ops, None if self.options.trace else plan)
        else:
            timed = Timed(params=chain.timing_params, ops=self.spec.ops(chain.timing_params), processes=plan.processes,
                          warmup_params=chain.warmup_params)
            entry = None
            for index, (label, outcome) in enumerate(self.timed(model_id, chain), 1):
                entry = self.checked_timed(outcome, label, chain)
                if entry:
                    break
                timed.add(index, outcome)
            entry = entry or summarize_model(chain, timed, self.ops, plan)
        if chain.slope_note and entry.ok:
            entry.notes = entry.notes + [chain.slope_note]
        return entry


@dataclass
class Timed:
    """One model's timed values, pooled from its timed processes (or its check run's one value)."""
    params: dict  # where the values ran (timing.params)
    ops: int  # operations in one run at params
    processes: int
    loops: int | None = None
    warmup_params: dict | None = None
    walls: list = dataclasses.field(default_factory=list)
    cpus: list = dataclasses.field(default_factory=list)
    value_processes: list = dataclasses.field(default_factory=list)  # per value: the timed process (1-based)
    baselines: list = dataclasses.field(default_factory=list)  # (mean wall per run, floor ns per op) per process

    def add(self, process, outcome):
        """The values of timed process number PROCESS (an ok Outcome)."""
        self.walls += outcome.wall_values
        self.cpus += outcome.cpu_values
        self.value_processes += [process] * len(outcome.wall_values)
        self.loops = outcome.loops
        if outcome.baseline_ns_per_op:
            self.baselines.append((stats.summary(outcome.wall_values)["mean"], outcome.baseline_ns_per_op))


def run_models(scenario, spec, params, reference_digest, model_ids, options, progress, interpreter=None):
    """{model_id: entry} for one interpreter (None: this one): the untimed chains of every
    model side by side first, then each model's timed processes alone on the machine."""
    runner = Runner(scenario, spec, params, reference_digest, options, progress, interpreter)
    runner.binaries, unbuilt = native_binaries(scenario, model_ids, progress)
    entries = {model_id: failed("error", error, runner.ops) for model_id, error in unbuilt.items()}
    model_ids = [model_id for model_id in model_ids if model_id not in unbuilt]
    chains = runner.untimed_all(model_ids)
    for model_id in model_ids:
        if options.trace and chains[model_id].check.stdout:
            progress.print(chains[model_id].check.stdout.rstrip("\n"))
        entries[model_id] = runner.entry(model_id, chains[model_id])
    return entries


def explained(spec, model_id, run_params, outcome):
    """A crash the spec knows (deep_chain: the C stack at a depth) is a finding, said as one."""
    if outcome.status == "crashed" and spec.explain_crash is not None:
        known = spec.explain_crash(all_models()[model_id], run_params, outcome.signal)
        return dataclasses.replace(outcome, error=known) if known else outcome
    return outcome


def summary(values, processes):
    return Summary.from_json(stats.summary(values, processes))


def summarize_model(chain, timed, ops, plan):
    """One model's ModelEntry: the timing from timed (Timed: the pooled values of every timed
    process); memory and stack from chain.check (the first run in its fresh process), the
    traced peak from chain.traced, the slope from chain.slope_points. plan: None under --trace."""
    check, traced = chain.check, chain.traced
    wall = summary(timed.walls, timed.processes)
    entry = ModelEntry(
        status="ok",
        digest=check.digest,
        ops=ops,
        wall_s=wall,
        cpu_s=summary(timed.cpus, timed.processes),
        # No operation at all (every connection dropped before its first echo): no cost per one.
        ns_per_op=wall.mean / timed.ops * 1e9 if timed.ops else None,
        noisy=stats.noisy(wall.to_json()),
        timing=Timing(plan=plan.name if plan else "trace", processes=timed.processes,
                      values_per_process=len(timed.walls) // timed.processes, loops=timed.loops,
                      params=timed.params, ops=timed.ops, unit="seconds per run at timing.params",
                      warmup_params=timed.warmup_params, value_processes=timed.value_processes),
        # Time in garbage collections during the check run, and its share of that run's wall time.
        gc_s=check.gc_s,
        gc_share=check.gc_s / check.wall_s if check.gc_s is not None and check.wall_s > 0 else None,
        memory=Memory(
            # The check worker's own peak (VmHWM), and that peak above the RSS it had just before run().
            peak_rss_bytes=check.peak_rss_bytes,
            peak_rss_above_start_bytes=check.peak_rss_above_start_bytes,
            rss_delta_bytes=check.rss_delta_bytes,
            uss_delta_bytes=check.uss_delta_bytes,
            traced_peak_bytes=traced.traced_peak_bytes if traced else None,
            traced_params=chain.traced_params if traced else None,
            bytes_per_task=stats.slope(chain.slope_points),
            bytes_per_task_points=[list(point) for point in chain.slope_points],
        ),
        stack=check.stack,
        records=check.records,
        notes=check.notes + ([] if timed.ops else ["no operation was performed (ops = 0), so no ns per op"]),
        result_summary=check.result_summary,
    )
    if timed.baselines and timed.ops:
        # baselines: (the worker's mean wall per run, its floor in ns per op), one per timed worker.
        entry.baseline_ns_per_op = stats.summary([floor for _wall, floor in timed.baselines])["median"]
        # The ratio is taken inside each worker (run and floor timed in one process, so
        # one machine state), then the median: a ratio of medians would mix processes.
        entry.vs_baseline = stats.summary([wall / timed.ops * 1e9 / floor
                                           for wall, floor in timed.baselines])["median"]
    return entry


def add_floor(result):
    """The native floor: the fastest ok native row's ns per op (glibc's swapcontext is not a
    floor); every ok row gains vs_floor, its ns per op over the floor, measured in this run."""
    known = all_models()
    floors = [(entry.ns_per_op, model_id) for model_id, entry in result.models.items()
              if entry.ok and model_id in known and known[model_id].floor]
    if not floors:
        return
    ns_per_op, model_id = min(floors)
    result.floor = Floor(model=model_id, ns_per_op=ns_per_op)
    for entry in result.models.values():
        if entry.ok:
            entry.vs_floor = entry.ns_per_op / ns_per_op


def run_scenario(scenario, spec, params, model_ids, options, progress):
    """options: an Options (plan, timeout, trace, memory limit, interpreters, memory passes, gc).
    Returns a Result (fiberlab/result.py; docs/result-schema.md).
    With no interpreters every model runs on this interpreter, keyed by model id;
    a list of prepared Interpreters runs every model on each, keyed "model@X.Y" (model outer,
    so one model's interpreters sit together in the table), each entry also naming its
    model and python, and the environment gains interpreters: {X.Y: what it reported}."""
    interpreters = options.interpreters
    result = Result(
        scenario=scenario,
        params=params,
        plan="trace" if options.trace else options.plan.name,
        gc=options.gc_mode,  # "on" as users run, or "off": gc.disable() in every worker before the run
        environment=Environment.from_json(dict(environment.describe(), date=environment.now(),
                                               load_start=environment.load())),
        reference_digest=digest(spec.reference(params)),
    )
    if interpreters:
        result.environment.interpreters = {one.version: Environment.from_json(one.environment)
                                           for one in interpreters}
    # A native model does not run on an interpreter: one row, whatever --python says.
    native_ids = [model_id for model_id in model_ids if all_models()[model_id].native]
    python_ids = [model_id for model_id in model_ids if model_id not in native_ids]
    by_interpreter = {}
    for interpreter in interpreters or [None]:
        ids = model_ids if interpreter is None else python_ids
        key = interpreter.version if interpreter else None
        by_interpreter[key] = run_models(scenario, spec, params, result.reference_digest, ids, options, progress,
                                         interpreter)
    if interpreters and native_ids:
        by_interpreter[None] = run_models(scenario, spec, params, result.reference_digest, native_ids, options,
                                          progress)
    for model_id in model_ids:
        for interpreter in (None,) if model_id in native_ids else interpreters or [None]:
            entry = by_interpreter[interpreter.version if interpreter else None][model_id]
            model = all_models()[model_id]
            entry.kind = Kind(stack=model.stack, scheduler=model.scheduler)  # the 2x2 the table groups by
            entry.mechanism = model.mechanism(scenario)  # how this file hands control over (its MECHANISM)
            if interpreter is None:
                result.models[model_id] = entry
            else:
                result.models[f"{model_id}@{interpreter.version}"] = dataclasses.replace(
                    entry, model=model_id, python=interpreter.version)
    result.match = matched(result.models)
    add_floor(result)
    baseline = spec.BASELINE
    if baseline:
        result.baseline_column, result.baseline = baseline[1], baseline[2]
    if spec.HEADLINE is not None:  # the figure the table shows instead of ns per op (scenarios/spec.py)
        record, quantile, label = spec.HEADLINE
        result.headline = {"record": record, "quantile": quantile, "label": label}
    if spec.TASK_COUNT is not None:
        result.task_count = list(spec.TASK_COUNT)  # [param name, tasks per unit]: memory per unit in the report
    result.environment.load_end = environment.load()
    return result
