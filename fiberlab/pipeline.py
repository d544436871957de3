"""The harness pipeline for one scenario: spec -> worker -> probe -> compare -> report.

run_scenario() takes a spec, checked parameters and the run's Options, runs every
model in fresh worker processes and returns a Result (fiberlab/result.py; docs/result-schema.md).
- Per model, its untimed runs, each a fresh process, one after the other as a chain, with
  MEMORY_JOBS models' chains side by side: first the check (one run at the requested size:
  the result compared with the reference, memory and stack), then, if it passed, one
  tracemalloc run and small runs at two task counts for the memory slope.
- Then, alone on the machine, the timed processes of every model, round-robin across the
  models (fiberlab/timing_plan.py: what is timed, how many values, in what order, on which
  clock): each warms up in-process and takes several values, a floor value after each
  where the spec has a floor (fiberlab/worker.py); every run's result is compared with the
  reference too. Where the spec splits a run into a fixed part and its ops (MARGINAL:
  deep_chain's build and unwind, and its resumes), each value is taken less the fixed value
  timed right after it (marginal). The values are summarized with the process as the unit
  where processes differ (fiberlab/stats.py); comparisons between models pair values adjacent
  in time (fiberlab/comparison.py).
A model that fails is recorded as failed, and the next model still runs.
"""

import dataclasses
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fiberlab import comparison, environment, fd_budget, native, output, stats, stopping, timing_plan
from fiberlab.models import all_models
from fiberlab.outcome import Outcome, out_of_memory
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
        limit = job.get("memory_limit_bytes")
        if proc.returncode < 0:
            name = signal.Signals(-proc.returncode).name
            if limit:
                # Under the cap an allocation that cannot raise (a thread's stack, a C extension's
                # unchecked malloc) ends the process by a signal: the cap, most likely, as the line says.
                error = out_of_memory(limit, f"worker killed by {name}, most likely where an allocation "
                                             "failed that could not raise MemoryError")
            else:
                # Nobody here sends SIGKILL before the timeout, so it is most likely the kernel's OOM killer.
                hint = " (out of memory? the kernel's OOM killer sends it)" if name == "SIGKILL" else ""
                error = f"worker killed by {name}{hint}"
            return Outcome(status="crashed", error=error, signal=name, stdout=stdout)
        out.seek(0)
        text = out.read()
        try:
            outcome = json.loads(text) if proc.returncode == 0 else None
        except ValueError:
            outcome = None  # cut short mid-write: no result, as if there were none
        if not isinstance(outcome, dict):
            last = (stderr.strip().splitlines() or ["no output"])[-1][:300]
            if "MemoryError" in stderr:  # ran out even while saying so
                return Outcome(status="error", error=out_of_memory(limit, "MemoryError before the worker wrote its result"))
            if limit:  # under the cap, what fails next to nothing left is most often reporting itself
                return Outcome(status="crashed", error=out_of_memory(
                    limit, f"worker exited {proc.returncode} without a result, most likely where an allocation failed "
                           f"while it reported: {last}"))
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


MEMORY_JOBS = min(2, os.cpu_count() or 1)  # untimed runs (check, slope, tracemalloc) run this many at once


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
        return timing_plan.tenth(spec, params) or params
    return params


def memory_jobs(spec, params, timing_params, plan, memory_passes=True, slope_runs=True, traced=True):
    """(label, pass, params) of one model's untimed memory runs: with memory_passes, (traced) the
    tracemalloc run (traced_params) and (slope_runs) the memory-slope runs. None of these gives a
    timing, so they run side by side (MEMORY_JOBS at once); each is a fresh process whose memory
    figures are its own."""
    if not memory_passes:
        return []
    runs = [("tracemalloc", "traced", traced_params(spec, params, timing_params, plan))] if traced else []
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
    timed processes, then the shared pass's processes (two models taking turns in one) (a model
    that fails makes fewer; a progress bar's total, not a promise)."""
    known = all_models()
    natives = [model_id for model_id in model_ids if known[model_id].native]
    compiles = 0 if natives and native.unavailable() else sum(
        native.needs_build(known[model_id], scenario) for model_id in natives)
    memory = len(memory_jobs(spec, params, params, options.plan, options.memory_passes and not options.trace,
                             options.slope_runs, options.traced))
    timed = 0 if options.trace else options.plan.processes
    per_model = 1 + memory + timed
    pythons = len(options.interpreters) or 1
    pairs = [] if options.trace else timing_plan.shared_pairs(
        comparison.standard_pairs({"models": entries_with_kind(model_ids)}), options.plan)
    # A native binary times its fixed part (MARGINAL) in a process of its own after each timed one.
    fixed_part = timing_plan.fixed_params(spec, timing_plan.timed_params(spec, params, options.plan))
    fixed = timed * len(natives) if fixed_part else 0
    return (compiles + fixed + per_model * (len(natives) + (len(model_ids) - len(natives)) * pythons)
            + len(pairs) * options.plan.processes)


@dataclass(frozen=True)
class Options:
    """How a scenario is run (what runs: the scenario, its parameters and the models, are
    run_scenario's arguments). One object, built by the verb that parsed them."""
    plan: timing_plan.Plan = timing_plan.PLANS["default"]
    timeout_s: float = 300.0  # one worker run at most; then it is killed and the model is "timeout"
    trace: bool = False  # print every switch (fiberlab/trace.py); untimed runs one at a time, no memory passes
    memory_limit_bytes: int | None = None  # each worker's address space, or None
    interpreters: tuple = ()  # prepared fiberlab.interpreters; () runs every model on this interpreter
    memory_passes: bool = True  # the memory runs at all: the tracemalloc run (traced), the memory slope (slope_runs)
    slope_runs: bool = True  # the memory-slope runs (a sweep may fit memory across its points instead)
    # The tracemalloc run: its peak goes to the JSON and the report's charts, never to the terminal
    # table, so `fiberlab run` takes it only when asked (--traced); sweeps keep it.
    traced: bool = True
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
        # The timed size follows the scenario and its parameters only (timing_plan.timed_params); the
        # check's time decides only how many values a long run of a scale-bound scenario takes.
        chain.timing_params = timing_plan.timed_params(self.spec, params, options.plan)
        chain.values = timing_plan.values_per_process(self.spec, options.plan, check.wall_s)
        # A native run is short, and its binary warms up at the timed size.
        chain.warmup_params = None if model_id in self.binaries else timing_plan.warmup_params(
            self.spec, params, check.wall_s, options.plan)
        for label, pass_, run_params in memory_jobs(self.spec, params, chain.timing_params, options.plan,
                                                    options.memory_passes and not options.trace, options.slope_runs,
                                                    options.traced):
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

    def timed_all(self, chains):
        """{model_id: [(label, outcome, process index)]}: the timed processes of every model whose
        chain passed, round-robin across the models (timing_plan.order), one at a time, nothing
        else of ours running. A model's first process calibrates its loop count, the others use it,
        so every value of a model times the same work; a model stops at its first failure."""
        plan = self.options.plan
        ready = [model_id for model_id, chain in chains.items() if not chain.failure]
        if self.options.trace or plan.processes == 0:
            return {}
        runs, loops, stopped = {model_id: [] for model_id in ready}, {}, set()
        for index, model_id in timing_plan.order(ready, plan.processes):
            if model_id in stopped:
                continue
            chain, label = chains[model_id], f"timing {index}/{plan.processes}"
            fixed = timing_plan.fixed_params(self.spec, chain.timing_params)
            outcome = self.start(model_id, label, "time", chain.timing_params, values=chain.values,
                                 loops=loops.get(model_id), warmup_params=chain.warmup_params, fixed_params=fixed)
            if fixed and model_id in self.binaries and outcome.ok:
                outcome = self.native_fixed(model_id, label, fixed, outcome)
            runs[model_id].append((label, outcome, index))
            if not outcome.ok or self.checked_timed(outcome, label, chain):
                stopped.add(model_id)
            else:
                loops[model_id] = outcome.loops
        return runs

    def native_fixed(self, model_id, label, fixed, outcome):
        """A native binary times no fixed part beside its values (MARGINAL): its fixed values come from
        a process of its own at the fixed parameters, right after the timed one, at its value count and
        loop count; the outcome gains them as a Python worker's would (worker.py Fixed), or is that
        process's failure."""
        part_name = self.spec.MARGINAL[2]
        part = self.start(model_id, f"{label}, {part_name}", "time", fixed, values=len(outcome.wall_values),
                          loops=outcome.loops)
        if not part.ok:
            return dataclasses.replace(part, error=f"{part_name}: {part.error}")
        return dataclasses.replace(outcome, fixed={"wall_values": part.wall_values, "cpu_values": part.cpu_values,
                                                   "digests": part.digests})

    def shared_all(self, chains, runs, pairs):
        """[shared record]: for each (a, b) of `pairs` both of whose timed processes passed, the plan's
        processes of the shared pass (fiberlab/worker.py shared_values), one at a time: the values of a
        and b alternating in one process, each model's loop count as its own processes calibrated it.
        A record: {"a", "b", "a_values": {"wall", "cpu"}, "b_values": ..., "process": [...]}, or
        {"a", "b", "error"} when a shared process failed or a result differed from the reference.
        Where the spec has a MARGINAL, each value is less the fixed value timed right after it, as
        the rows' own values are (marginal)."""
        records = []
        for a, b in pairs:
            loops = {model_id: runs[model_id][-1][1].loops for model_id in (a, b) if runs.get(model_id)}
            if len(loops) < 2 or any(chains[model_id].failure for model_id in (a, b)):
                continue
            values = min(chains[a].values, chains[b].values)
            # Each model warms up where its own timed processes did (timing_plan.warmup_params: a long
            # run at a tenth of its tasks, which follows that model's check time, so a and b may differ).
            warmup = {model_id: chains[model_id].warmup_params for model_id in (a, b)}
            record = {"a": a, "b": b, "process": [], **{f"{side}_values": {"wall": [], "cpu": []} for side in "ab"}}
            for index in range(1, self.options.plan.processes + 1):
                label = f"timing {a} and {b} in one process {index}/{self.options.plan.processes}"
                outcome = self.start(f"{a}+{b}", label, "shared", chains[a].timing_params, models=[a, b],
                                     values=values, loops=loops, warmup_params=warmup,
                                     fixed_params=timing_plan.fixed_params(self.spec, chains[a].timing_params))
                error = self.shared_failure(outcome, label, chains[a].timing_params, warmup)
                if error:
                    records.append({"a": a, "b": b, "error": error})
                    break
                for side, model_id in (("a", a), ("b", b)):
                    mine, fixed = outcome.models[model_id], outcome.models[model_id].get("fixed")
                    for clock in ("wall", "cpu"):
                        taken = mine[f"{clock}_values"]
                        record[f"{side}_values"][clock] += less(taken, fixed[f"{clock}_values"]) if fixed else taken
                record["process"] += [index] * values
            else:
                records.append(record)
        return records

    def shared_failure(self, outcome, label, run_params, warmups=None):
        """None, or one line: why a shared process gave no pairs. warmups: {model: its warm-up's
        parameters, or None where it warmed up at run_params}."""
        if not outcome.ok:
            return f"{label}: {outcome.status}: {outcome.error}"
        for model_id, mine in outcome.models.items():
            failure = checked(Outcome(status="ok", digests=mine["digests"], result_preview=outcome.result_preview),
                              label, self.expected, run_params, self.ops) or self.fixed_failure(mine.get("fixed"),
                                                                                                label, run_params)
            warmup_params = (warmups or {}).get(model_id)
            if failure is None and warmup_params:
                warmup = Outcome(status="ok", digest=mine.get("warmup_digest"), result_preview="(the warm-up's result)")
                failure = checked(warmup, f"{label} warm-up", self.expected, warmup_params, self.ops)
            if failure:
                return f"{model_id}: {failure.error}"
        return None

    def fixed_failure(self, fixed, label, timing_params):
        """checked() for the fixed part's runs (MARGINAL) at their own parameters; None without them."""
        if fixed is None:
            return None
        part = Outcome(status="ok", digests=fixed["digests"], result_preview=f"(the {self.spec.MARGINAL[2]} run's)")
        return checked(part, f"{label} {self.spec.MARGINAL[2]}", self.expected,
                       timing_plan.fixed_params(self.spec, timing_params), self.ops)

    def checked_timed(self, outcome, label, chain):
        """checked() for a timed process: its values' digests, and its warm-up's at warmup_params."""
        failure = checked(outcome, label, self.expected, chain.timing_params, self.ops)
        if failure is None and outcome.warmup_digest is not None:
            warmup = Outcome(status="ok", digest=outcome.warmup_digest, result_preview="(the warm-up's result)")
            failure = checked(warmup, f"{label} warm-up", self.expected, chain.warmup_params, self.ops)
        return failure or self.fixed_failure(outcome.fixed, label, chain.timing_params)

    def entry(self, model_id, chain, runs):
        """The model's entry: from its chain and its timed processes' runs (timed_all), or, when
        the plan has none, the check run's time as its one value."""
        check, plan, ops = chain.check, self.options.plan, self.ops
        clock = timing_plan.clock(self.spec, all_models()[model_id])
        if chain.failure:
            return chain.failure
        if self.options.trace or plan.processes == 0:  # the check run alone: its time is one cold value, flagged noisy
            timed = Timed([check.wall_s], [check.cpu_s], [1], records=check.records)
            entry = summarize_model(chain, timed, ops, self.params, clock, None if self.options.trace else plan)
        else:
            timed, entry = Timed(), None
            for label, outcome, index in runs:
                entry = self.checked_timed(outcome, label, chain)
                if entry:
                    break
                timed.add(outcome, index)
            if timed.records is None or chain.timing_params != self.params:
                timed.records = check.records  # not timed at the requested size: the check's records
            if not entry:
                timed, ops_timed, parts = marginal(self.spec, timed, chain.timing_params, clock)
                entry = summarize_model(chain, timed, ops, chain.timing_params, clock, plan, ops_timed,
                                        chain.warmup_params, parts)
        if chain.slope_note and entry.ok:
            entry.notes = entry.notes + [chain.slope_note]
        return entry


@dataclass
class Timed:
    """The values of one model's timed processes, in the order taken: per value its wall and CPU
    seconds per run, the involuntary context switches it suffered (None: not counted) and the
    process it came from; the floor's values beside them; the records of the first process."""
    wall: list = dataclasses.field(default_factory=list)
    cpu: list = dataclasses.field(default_factory=list)
    process: list = dataclasses.field(default_factory=list)
    switches: list | None = dataclasses.field(default_factory=list)
    floor_wall: list = dataclasses.field(default_factory=list)  # ns per op, one after each value
    floor_cpu: list = dataclasses.field(default_factory=list)
    floor_switches: list = dataclasses.field(default_factory=list)
    floor_notes: list = dataclasses.field(default_factory=list)
    fixed_wall: list = dataclasses.field(default_factory=list)  # seconds per run of the fixed part (MARGINAL),
    fixed_cpu: list = dataclasses.field(default_factory=list)  # one after each value
    loops: int | None = None
    records: dict | None = None

    def add(self, outcome, index):
        self.wall += outcome.wall_values
        self.cpu += outcome.cpu_values
        self.process += [index] * len(outcome.wall_values)
        if self.switches is not None and outcome.involuntary_switches is not None:
            self.switches += outcome.involuntary_switches
        else:
            self.switches = None
        floor = outcome.floor
        if floor:
            self.floor_wall += floor["wall_ns_per_op"]
            self.floor_cpu += floor["cpu_ns_per_op"]
            self.floor_switches += floor["involuntary_switches"]
        if outcome.fixed:
            self.fixed_wall += outcome.fixed["wall_values"]
            self.fixed_cpu += outcome.fixed["cpu_values"]
        self.loops = outcome.loops
        if self.records is None:
            self.records = outcome.records


def run_models(scenario, spec, params, reference_digest, model_ids, options, progress, interpreter=None, phases=None):
    """({model_id: entry}, [shared record]) for one interpreter (None: this one): the untimed chains
    of every model side by side first, then the timed processes of all of them, round-robin, alone on
    the machine, then the shared processes. phases: a dict to which each phase's seconds are added."""
    phases = {} if phases is None else phases
    clock = PhaseClock(phases)
    runner = Runner(scenario, spec, params, reference_digest, options, progress, interpreter)
    runner.binaries, unbuilt = clock("native builds", native_binaries, scenario, model_ids, progress)
    entries = {model_id: failed("error", error, runner.ops) for model_id, error in unbuilt.items()}
    model_ids = [model_id for model_id in model_ids if model_id not in unbuilt]
    chains = clock("untimed runs (check, memory passes)", runner.untimed_all, model_ids)
    runs = clock("timed processes", runner.timed_all, chains)
    for model_id in model_ids:
        if options.trace and chains[model_id].check.stdout:
            progress.print(chains[model_id].check.stdout.rstrip("\n"))
        entries[model_id] = runner.entry(model_id, chains[model_id], runs.get(model_id, []))
    timed_ok = {model_id: chain for model_id, chain in chains.items()
                if entries[model_id].ok and runs.get(model_id)}
    pairs = timing_plan.shared_pairs(comparison.standard_pairs({"models": entries_with_kind(entries)}), options.plan)
    shared = clock("shared processes", runner.shared_all, timed_ok, runs,
                   [(a, b) for a, b in pairs if a in timed_ok and b in timed_ok])
    return entries, shared


class PhaseClock:
    """clock(name, function, *args): function(*args), its wall time added to phases[name]."""

    def __init__(self, phases):
        self.phases = phases

    def __call__(self, name, function, *args):
        started = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - started


def entries_with_kind(entries):
    """{model_id: {"kind": ...}}: each entry's model's 2x2 kind, as run_scenario adds it (standard_pairs reads it)."""
    known = all_models()
    return {model_id: {"kind": {"stack": known[model_id].stack, "scheduler": known[model_id].scheduler}}
            for model_id in entries}


def explained(spec, model_id, run_params, outcome):
    """A crash the spec knows (deep_chain: the C stack at a depth) is a finding, said as one."""
    if outcome.status == "crashed" and spec.explain_crash is not None:
        known = spec.explain_crash(all_models()[model_id], run_params, outcome.signal)
        return dataclasses.replace(outcome, error=known) if known else outcome
    return outcome


def summary(values, processes, groups=None):
    return Summary.from_json(stats.summary(values, processes, groups))


def less(values, fixed):
    """Each value less the fixed value timed right after it (seconds per run)."""
    return [value - part for value, part in zip(values, fixed)]


def marginal(spec, timed, timing_params, clock):
    """(timed, ops, parts) of one model's timed values. Where the spec has a MARGINAL and a fixed
    value follows every value: each value less its fixed value (the marginal part of the run, on
    both clocks), the ops between the two runs (deep_chain: the resumes past the first), and
    `parts`, the two parts the values were split from, each summarized like a timing:
    {"whole run": {...}, <the fixed part's name>: {...}}, each {"params", "ops", "wall_s", "cpu_s"},
    the fixed part also with its share of the whole run's time on `clock`. Otherwise (timed,
    the ops at timing_params, None)."""
    ops = spec.ops(timing_params)
    fixed_params = timing_plan.fixed_params(spec, timing_params)
    if fixed_params is None or not timed.fixed_wall or len(timed.fixed_wall) != len(timed.wall):
        return timed, ops, None
    processes = len(set(timed.process))

    def part(params, wall, cpu):
        return {"params": params, "ops": spec.ops(params), "wall_s": stats.summary(wall, processes, timed.process),
                "cpu_s": stats.summary(cpu, processes, timed.process)}

    whole, fixed = part(timing_params, timed.wall, timed.cpu), part(fixed_params, timed.fixed_wall, timed.fixed_cpu)
    judged = f"{clock}_s"
    fixed["share_of_whole_run"] = fixed[judged]["center"] / whole[judged]["center"]
    parts = {"whole run": whole, spec.MARGINAL[2]: fixed}
    rest = dataclasses.replace(timed, wall=less(timed.wall, timed.fixed_wall), cpu=less(timed.cpu, timed.fixed_cpu))
    return rest, ops - fixed["ops"], parts


def summarize_model(chain, timed, ops, timing_params, clock, plan, ops_timed=None, warmup_params=None, parts=None):
    """One model's ModelEntry: the timing from the values of every timed process (timed: a Timed),
    judged on `clock` ("cpu" or "wall": timing_plan.clock), with the process as the unit where
    processes differ (fiberlab/stats.py); memory and stack from chain.check (the first run in its
    fresh process), the traced peak from chain.traced, the slope from chain.slope_points; the
    records (latencies) from the first timed process, which ran alone. plan: None under --trace.
    parts: what marginal() split the values from, or None (the values are whole runs)."""
    check, traced = chain.check, chain.traced
    ops_timed = ops if ops_timed is None else ops_timed
    processes = len(set(timed.process))
    wall = summary(timed.wall, processes, timed.process)
    cpu = summary(timed.cpu, processes, timed.process)
    judged = cpu if clock == "cpu" else wall
    lost = parts is not None and judged.center <= 0  # a marginal cost is a difference: never below 0 as a figure
    entry = ModelEntry(
        status="ok",
        digest=check.digest,
        ops=ops,
        wall_s=wall,
        cpu_s=cpu,
        # On the judged clock, from the central value (geometric mean); none with no operation at
        # all (every connection dropped before its first echo).
        ns_per_op=judged.center / ops_timed * 1e9 if ops_timed and not lost else None,
        ns_per_op_ci95=[bound / ops_timed * 1e9 for bound in judged.ci95] if ops_timed and judged.ci95 else None,
        noisy=stats.noisy(judged.to_json()),
        timing=Timing(plan=plan.name if plan else "trace", processes=processes,
                      values_per_process=len(timed.wall) // max(processes, 1), loops=timed.loops,
                      params=timing_params, ops=ops_timed,
                      unit="seconds per run at timing.params" + (", less the fixed part (parts)" if parts else ""),
                      warmup_params=warmup_params, value_processes=timed.process, clock=clock,
                      involuntary_switches=timed.switches or None,
                      # the switches were counted over the whole run's value, so judged by its length
                      disturbed=timing_plan.disturbed(timed.switches, parts["whole run"]["wall_s"]["values"]
                                                      if parts else timed.wall, timed.loops or 1)),
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
        records=timed.records if timed.records is not None else check.records,
        notes=check.notes + ([] if ops_timed else ["no operation was performed (ops = 0), so no ns per op"])
        + (["the marginal part did not stand out of the fixed part's noise (a difference of 0 or less): "
            "no time per op"] if lost else []),
        result_summary=check.result_summary,
        parts=parts,
    )
    if timed.floor_wall and ops_timed:
        add_baseline(entry, timed, clock, ops_timed)
    return entry


def add_baseline(entry, timed, clock, ops_timed):
    """The floor (the spec's BASELINE), timed in the same workers as the values, one floor value
    right after each of the model's: its ns per op on the judged clock, and vs_baseline, the ratio
    of each value to the floor value beside it, with its interval from those pairs (stats.paired_ratio)."""
    own = timed.cpu if clock == "cpu" else timed.wall
    floor = timed.floor_cpu if clock == "cpu" else timed.floor_wall
    count = min(len(own), len(floor))
    pairs = [(value / ops_timed * 1e9, floor_ns) for value, floor_ns in zip(own[:count], floor[:count])]
    ratio = stats.paired_ratio(pairs, timed.process[:count])
    entry.baseline_ns_per_op = stats.summary(floor, len(set(timed.process)), timed.process[:len(floor)])["center"]
    entry.floor_values = {"wall_ns_per_op": timed.floor_wall, "cpu_ns_per_op": timed.floor_cpu,
                          "involuntary_switches": timed.floor_switches}
    if ratio:
        entry.vs_baseline, entry.vs_baseline_ci95 = ratio["ratio"], ratio["ci95"]
        entry.vs_baseline_noisy = ratio["noisy"]


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


REFERENCE_SAID_OPS = 10_000_000  # from this many ops the reference takes seconds to minutes: said first


def reference(scenario, spec, params):
    """The reference result, computed here in plain Python before any worker starts; at a size
    where that takes a while, a line on stderr says so first (it is not a progress step:
    fiberlab/table.py Progress counts worker runs and compiles)."""
    ops = spec.ops(params)
    if ops >= REFERENCE_SAID_OPS:
        output.say(f"{scenario}: computing the reference ({ops:,} ops in plain Python) before any model runs")
    return spec.reference(params)


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
                                               load_start=environment.load(),
                                               busy_start=environment.busy_cores())),
        reference_digest=digest(reference(scenario, spec, params)),
    )
    if interpreters:
        result.environment.interpreters = {one.version: Environment.from_json(one.environment)
                                           for one in interpreters}
    # A native model does not run on an interpreter: one row, whatever --python says.
    native_ids = [model_id for model_id in model_ids if all_models()[model_id].native]
    python_ids = [model_id for model_id in model_ids if model_id not in native_ids]
    by_interpreter, phases = {}, {}
    for interpreter in interpreters or [None]:
        ids = model_ids if interpreter is None else python_ids
        key = interpreter.version if interpreter else None
        by_interpreter[key], pairs = run_models(scenario, spec, params, result.reference_digest, ids, options,
                                                progress, interpreter, phases)
        # Values of two models that took turns in one process (Runner.shared_all): the closest pairs
        # there are, which fiberlab/comparison.py prefers; keyed by model id, so only where the rows are too.
        result.shared += [] if interpreter else pairs
    if interpreters and native_ids:
        by_interpreter[None], _pairs = run_models(scenario, spec, params, result.reference_digest, native_ids,
                                                  options, progress, phases=phases)
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
    if spec.MARGINAL is not None and any(entry.parts for entry in result.models.values()):
        overrides, op, fixed, _times = spec.MARGINAL  # what ns_per_op is: the marginal cost of one op (marginal)
        result.marginal = {"op": op, "fixed": fixed, "fixed_overrides": overrides}
    if spec.TASK_COUNT is not None:
        result.task_count = list(spec.TASK_COUNT)  # [param name, tasks per unit]: memory per unit in the report
    result.environment.load_end = environment.load()
    result.phases_s = phases  # where this scenario's time went, by phase (seconds of wall time)
    return result
