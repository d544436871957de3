"""The harness pipeline for one scenario: spec -> worker -> probe -> compare -> report.

run_scenario() takes a spec and checked parameters, runs every model in fresh
worker processes (a warm-up, R timed runs, one tracemalloc run, and small runs
at two task counts for the memory slope), compares every run's digest with the
spec's sequential reference, and returns the result in DESIGN.md's format.
A model that fails is recorded as failed, and the next model still runs.
"""

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import environment, fd_budget, native, stats, stopping
from harness.models import all_models
from scenarios.common import digest

REPO_ROOT = Path(__file__).resolve().parent.parent
SLOPE_COUNTS = (500, 2500)  # task-count values of the memory-slope runs
NOISY_SPREAD = 1.2  # max/min of the timed runs above which a timing is flagged


def run_worker(job, timeout, python=sys.executable, argv=None):
    """Run one job in a fresh `PYTHON -m harness.worker`; return its outcome dict.

    argv: None, or a function of the job (with its "out_fd") giving the command to
    run instead: a native model's binary (harness/native.py).

    The worker gets its own session (process group), so a timeout or a stop
    signal (harness.stopping) kills it and anything it started. It writes its
    outcome into an unlinked temporary file it inherits as fd job["out_fd"]:
    nothing is left on disk however either side dies, even by SIGKILL."""
    with tempfile.TemporaryFile("w+") as out:
        job = dict(job, out_fd=out.fileno())
        proc = stopping.start(
            argv(job) if argv else [python, "-m", "harness.worker"],
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
            return {"status": "timeout", "error": f"no result within {timeout:g} s; worker killed"}
        except BaseException:
            _kill_group(proc)  # a stop signal in the harness: leave no worker behind
            raise
        finally:
            stopping.forget(proc)
        stopping.check()  # a pool thread whose worker the stop handler killed ends here
        if proc.returncode < 0:
            name = signal.Signals(-proc.returncode).name
            # Nobody here sends SIGKILL before the timeout, so it is most likely the kernel's OOM killer.
            hint = " (out of memory? the kernel's OOM killer sends it)" if name == "SIGKILL" else ""
            return {"status": "crashed", "error": f"worker killed by {name}{hint}", "signal": name, "stdout": stdout}
        out.seek(0)
        text = out.read()
        try:
            outcome = json.loads(text) if proc.returncode == 0 else None
        except ValueError:
            outcome = None  # cut short mid-write: no result, as if there were none
        if not isinstance(outcome, dict):
            last = (stderr.strip().splitlines() or ["no output"])[-1][:300]
            return {"status": "crashed", "error": f"worker exited {proc.returncode} without a result: {last}"}
        outcome["stdout"] = stdout
        return outcome


def _kill_group(proc):
    stopping.kill_group(proc)
    proc.wait()


def slope_params(spec, params):
    """Parameter sets for the memory-slope runs, or [] if the scenario has no task count."""
    if not hasattr(spec, "TASK_COUNT"):
        return []
    name, _units = spec.TASK_COUNT
    limit = next(param.maximum for param in spec.PARAMS if param.name == name)
    # A spec whose tasks grow with another parameter (deep_chain: frames per
    # chain) scales the counts down, so the slope runs stay small.
    counts = spec.slope_counts(params) if hasattr(spec, "slope_counts") else SLOPE_COUNTS
    points = [dict(params, **getattr(spec, "IDLE", {}), **{name: count}) for count in counts if count <= limit]
    return [point for point in points if fd_budget.fits(spec, point)]


def tasks_alive(spec, run_params):
    """Tasks alive in a memory-slope run, as the spec's TASK_COUNT declares them
    (the probe may look at only some of them, e.g. the server side)."""
    name, units = spec.TASK_COUNT
    return run_params[name] * units


def plan_runs(spec, params, repeat, trace, memory_passes=True, slope_runs=True):
    """(label, pass, params) for every worker run of one model, in order.

    memory_passes=False leaves out the tracemalloc run and the memory-slope runs
    (a sweep that needs only time and stack); slope_runs=False leaves out only the
    slope runs (a sweep that fits memory across its own points instead)."""
    if trace:
        return [("traced switches", "time", params)]
    runs = [("warm-up", "time", params)]
    runs += [(f"run {index}/{repeat}", "time", params) for index in range(1, repeat + 1)]
    if not memory_passes:
        return runs
    runs.append(("tracemalloc", "traced", params))
    if slope_runs:
        runs += [(f"memory slope {index}", "memory", point) for index, point in enumerate(slope_params(spec, params), 1)]
    return runs


# A model that cannot express a run at all (scenarios.spec.Unsupported): not a failure.
UNSUPPORTED = "unsupported"


def matched(models):
    """A run matches when no model failed and at least one ran: every entry is ok or
    unsupported, and one is ok. An unsupported model is a finding, not a failure."""
    statuses = [entry["status"] for entry in models.values()]
    return all(status in ("ok", UNSUPPORTED) for status in statuses) and "ok" in statuses


def failed(status, error, ops):
    return {"status": status, "error": error, "digest": None, "ops": ops, "wall_s": None,
            "ns_per_op": None, "memory": None, "stack": None}


def run_model(scenario, spec, params, reference_digest, model_id, repeat, timeout, trace, progress,
              memory_limit_bytes=None, interpreter=None, memory_passes=True, slope_runs=True, gc_mode="on"):
    """interpreter: None for this one (sys.executable), else a prepared harness.interpreters.Interpreter.
    gc_mode: "on" or "off" (every worker disables the garbage collector before the run)."""
    ops = spec.ops(params)
    timed, traced, slope_points, slope_note = [], None, [], None
    python = interpreter.python if interpreter else sys.executable
    shown_as = f"{model_id}@{interpreter.label}" if interpreter else model_id
    model = all_models()[model_id]
    binary = None
    if model.native:  # the seam: a binary instead of `python -m harness.worker`, the same job and outcome
        if native.unavailable():
            return failed("error", native.unavailable(), ops)
        progress(f"{scenario} · {shown_as} · compiling (once)")
        try:
            binary = native.binary(model, scenario)
        except native.BuildFailed as exc:
            return failed("error", f"build: {exc}", ops)
    for label, pass_, run_params in plan_runs(spec, params, repeat, trace, memory_passes, slope_runs):
        progress(f"{scenario} · {shown_as} · {label}")
        job = {"scenario": scenario, "model": model_id, "params": run_params, "pass": pass_, "trace": trace,
               "memory_limit_bytes": memory_limit_bytes, "gc": gc_mode}
        if binary:
            outcome = native.adapt(run_worker(job, timeout, argv=lambda job: native.argv(binary, job)), spec)
        else:
            outcome = run_worker(job, timeout, python)
        if trace and outcome.get("stdout"):
            progress.print(outcome["stdout"].rstrip("\n"))
        if outcome["status"] == UNSUPPORTED:
            return failed(UNSUPPORTED, outcome["error"], ops)  # the same on every pass: no label
        if outcome["status"] == "crashed" and hasattr(spec, "explain_crash"):
            # A crash the spec knows (deep_chain: the C stack at a depth) is a finding, said as one.
            known = spec.explain_crash(all_models()[model_id], run_params, outcome.get("signal"))
            outcome = dict(outcome, error=known) if known else outcome
        if outcome["status"] != "ok" and pass_ == "memory":
            # A run the user did not ask for (more tasks than the timed runs, perhaps more than
            # --memory-limit allows) costs the slope, never the model.
            slope_note = f"memory slope not measured: {label}: {outcome['error']}"
            break
        if outcome["status"] != "ok":
            return failed(outcome["status"], f"{label}: {outcome['error']}", ops)
        expected = reference_digest if run_params is params else digest(spec.reference(run_params))
        if outcome["digest"] != expected:
            entry = failed("mismatch", f"{label}: result differs from the reference: {outcome['result_preview']}", ops)
            entry["digest"] = outcome["digest"]
            return entry
        if pass_ == "time" and label != "warm-up":
            timed.append(outcome)
        elif pass_ == "traced":
            traced = outcome
        elif pass_ == "memory":
            slope_points.append((tasks_alive(spec, run_params), outcome["uss_delta_bytes"]))
    if trace:
        timed = [outcome]
    entry = summarize_model(timed, traced, [] if slope_note else slope_points, ops)
    if slope_note:
        entry["notes"] = entry["notes"] + [slope_note]
    return entry


def summarize_model(timed, traced, slope_points, ops):
    wall = stats.summary([outcome["wall_s"] for outcome in timed])
    first = timed[0]
    entry = {
        "status": "ok",
        "error": None,
        "digest": first["digest"],
        "ops": ops,
        "wall_s": wall,
        # No operation at all (every connection dropped before its first echo): no cost per one.
        "ns_per_op": wall["median"] / ops * 1e9 if ops else None,
        "noisy": wall["min"] > 0 and wall["max"] / wall["min"] > NOISY_SPREAD,
        # Time in garbage collections during run(), and its share of each run's wall time (median over runs).
        "gc_s": _median_of(timed, "gc_s"),
        "gc_share": _median_of([{"share": o["gc_s"] / o["wall_s"]} for o in timed
                                if o.get("gc_s") is not None and o["wall_s"] > 0], "share"),
        "memory": {
            # The worker's own peak (VmHWM), and that peak above the RSS it had just before run().
            "peak_rss_bytes": _median_of(timed, "peak_rss_bytes"),
            "peak_rss_above_start_bytes": _median_of(timed, "peak_rss_above_start_bytes"),
            "rss_delta_bytes": stats.summary([o["rss_delta_bytes"] for o in timed])["median"],
            "uss_delta_bytes": stats.summary([o["uss_delta_bytes"] for o in timed])["median"],
            "traced_peak_bytes": traced["traced_peak_bytes"] if traced else None,
            "bytes_per_task": stats.slope(slope_points),
            "bytes_per_task_points": [list(point) for point in slope_points],
        },
        "stack": first["stack"],
        "records": first["records"],
        "notes": first["notes"] + ([] if ops else ["no operation was performed (ops = 0), so no ns per op"]),
        "result_summary": first.get("result_summary"),
    }
    with_baseline = [o for o in timed if o.get("baseline_ns_per_op")]
    if with_baseline and ops:
        entry["baseline_ns_per_op"] = stats.summary([o["baseline_ns_per_op"] for o in with_baseline])["median"]
        # The ratio is taken inside each worker (run and floor timed in one process, so
        # one machine state), then the median: a ratio of medians would mix processes.
        entry["vs_baseline"] = stats.summary([o["wall_s"] / ops * 1e9 / o["baseline_ns_per_op"]
                                              for o in with_baseline])["median"]
    return entry


def _median_of(outcomes, field):
    values = [outcome[field] for outcome in outcomes if outcome.get(field) is not None]
    return stats.summary(values)["median"] if values else None


def add_floor(result):
    """The native floor: the fastest ok native row's ns per op (glibc's swapcontext is not a
    floor); every ok row gains vs_floor, its ns per op over the floor, measured in this run."""
    known = all_models()
    floors = [(entry["ns_per_op"], model_id) for model_id, entry in result["models"].items()
              if entry["status"] == "ok" and model_id in known and known[model_id].floor]
    if not floors:
        return
    ns_per_op, model_id = min(floors)
    result["floor"] = {"model": model_id, "ns_per_op": ns_per_op}
    for entry in result["models"].values():
        if entry["status"] == "ok":
            entry["vs_floor"] = entry["ns_per_op"] / ns_per_op


def run_scenario(scenario, spec, params, model_ids, repeat, timeout, trace, progress, memory_limit_bytes=None,
                 interpreters=None, memory_passes=True, slope_runs=True, gc_mode="on"):
    """interpreters: None runs every model on this interpreter, keyed by model id as in DESIGN.md;
    a list of prepared Interpreters runs every model on each, keyed "model@X.Y" (model outer,
    so one model's interpreters sit together in the table), each entry also naming its
    "model" and "python", and the environment gains "interpreters": {X.Y: what it reported}."""
    result = {
        "scenario": scenario,
        "params": params,
        "gc": gc_mode,  # "on" as users run, or "off": gc.disable() in every worker before the run
        "environment": environment.describe(),
        "reference_digest": digest(spec.reference(params)),
        "match": False,
        "models": {},
    }
    if interpreters:
        result["environment"]["interpreters"] = {one.label: one.environment for one in interpreters}
    for model_id in model_ids:
        # A native model does not run on an interpreter: one row, whatever --python says.
        for interpreter in (None,) if all_models()[model_id].native else interpreters or [None]:
            entry = run_model(
                scenario, spec, params, result["reference_digest"], model_id, repeat, timeout, trace, progress,
                memory_limit_bytes, interpreter, memory_passes, slope_runs, gc_mode,
            )
            model = all_models()[model_id]
            entry["kind"] = {"stack": model.stack, "runtime": model.runtime}  # the 2x2 the table groups by
            entry["mechanism"] = model.mechanism(scenario)  # how this file hands control over (its MECHANISM)
            if interpreter is None:
                result["models"][model_id] = entry
            else:
                result["models"][f"{model_id}@{interpreter.label}"] = dict(entry, model=model_id,
                                                                          python=interpreter.label)
    result["match"] = matched(result["models"])
    add_floor(result)
    baseline = getattr(spec, "BASELINE", None)
    if baseline:
        result["baseline_column"], result["baseline"] = baseline[1], baseline[2]
    if hasattr(spec, "TASK_COUNT"):
        result["task_count"] = list(spec.TASK_COUNT)  # [param name, tasks per unit]: memory per unit in the report
    return result
