"""One worker process: runs one scenario on one model once, and measures it.

Pipeline position: spec -> **worker** -> probe -> compare -> report.
The harness starts `python -m harness.worker`, writes a job (JSON) to its
stdin, and reads the outcome from the job's `out` file. Everything the
worker knows comes from the job; it never reaches back into the harness.

Passes (job["pass"]):
  "time"    wall time of run() minus time spent in the probe, plus memory
  "traced"  the same run under tracemalloc (slower: its timing is not used)
  "memory"  a run at reduced work, for the bytes-per-task slope
A worker that dies (signal, hard exit) leaves no out file; the harness
reports that as the model's crash.
"""

import gc
import json
import os
import resource
import sys
import time
import tracemalloc

import psutil

import scenarios
from harness import trace
from harness.models import all_models, load_function
from harness.probe import Probe
from scenarios.common import canonical_json, digest


def one_line(exc):
    text = f"{type(exc).__name__}: {exc}".strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def run_job(job):
    model = all_models()[job["model"]]
    spec = scenarios.load(job["scenario"])
    params = job["params"]
    notes = []
    if hasattr(spec, "recursion_limit"):
        limit = spec.recursion_limit(params)
        if limit > sys.getrecursionlimit():
            sys.setrecursionlimit(limit)
            notes.append(f"recursion limit raised to {limit:,}")
    if model.setup:
        load_function(model.setup)()
    module = __import__(model.module_name(job["scenario"]), fromlist=["run"])
    probe = Probe(load_function(model.describe))
    if job.get("trace"):
        trace.install(model)

    gc.collect()
    before = psutil.Process().memory_full_info()
    if job["pass"] == "traced":
        tracemalloc.start()
    started = time.perf_counter()
    result = module.run(params, probe)
    wall_s = time.perf_counter() - started - probe.spent_s
    traced_peak = tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else None
    tracemalloc.stop()

    if probe.stack is None:
        raise RuntimeError("the scenario never called probe.snapshot()")
    outcome = {
        "status": "ok",
        "error": None,
        "digest": digest(result),
        "result_preview": canonical_json(result)[:200],
        "wall_s": wall_s,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "rss_delta_bytes": probe.memory["rss_bytes"] - before.rss,
        "uss_delta_bytes": probe.memory["uss_bytes"] - before.uss,
        "traced_peak_bytes": traced_peak,
        "stack": probe.stack,
        "records": probe.records,
        "notes": notes,
    }
    baseline = getattr(spec, "BASELINE", None)
    if baseline and job["pass"] == "time" and not job.get("trace"):
        outcome["baseline_ns_per_op"] = load_function(baseline[0])(spec.ops(params))
    return outcome


def main():
    job = json.loads(sys.stdin.read())
    try:
        outcome = run_job(job)
    except BaseException as exc:  # noqa: BLE001 - any failure is this model's result
        outcome = {"status": "error", "error": one_line(exc)}
    sys.stdout.flush()
    tmp = job["out"] + ".part"
    with open(tmp, "w") as handle:
        json.dump(outcome, handle)
    os.replace(tmp, job["out"])


if __name__ == "__main__":
    main()
