"""Timings as a pyperf BenchmarkSuite: `--pyperf FILE` on run and sweep.

One benchmark per (scenario, model) — per (scenario, point, model) in a sweep —
named "scenario/model" ("scenario[axis=value]/model"), one pyperf Run per timed
worker process holding the values that process took after its warm-up. Values
are in SECONDS PER OP (one suspend/resume operation of the scenario, as in
ns_per_op) on the row's clock (fiberlab_clock: cpu or wall, docs/timing.md): a
value is seconds per run at timing.params divided by that run's ops. The
metadata is pyperf's own (collected here: CPU, load, kernel, date) and the lab's:
loops (runs averaged per value), inner_loops (ops per run), plan, clock, the
timed parameters and the environment. pyperf compare_to needs equal value counts
on both sides: the fast and default plans take 9 each. The file is written with pyperf's own API, so
`python -m pyperf stats|hist|compare_to` read it.
"""

import os

import pyperf

from fiberlab import output
from fiberlab.result import Environment


def _metadata(result, entry, name):
    env = result.environment or Environment()
    timing = entry.timing
    metadata = {
        "name": name,
        "unit": "second",
        "description": f"{result.scenario} on {entry.model or name.split('/')[-1]}: seconds per op",
        "loops": timing.loops or 1,
        "inner_loops": timing.ops,
        "python_version": env.python,
        "python_implementation": env.implementation,
        "platform": env.platform,
        "cpu_model_name": env.cpu,
        "cpu_count": env.cores,
        "fiberlab_plan": timing.plan,
        "fiberlab_clock": timing.clock or "wall",
        "fiberlab_params": ", ".join(f"{key}={value}" for key, value in timing.params.items()),
        "fiberlab_greenlet": env.greenlet,
        "fiberlab_gevent": env.gevent,
        "fiberlab_uvloop": env.uvloop,
        "fiberlab_commit": env.commit,
        "fiberlab_date": env.date,
    }
    return {key: value for key, value in metadata.items() if value not in (None, "")}


def benchmark(result, model_key, entry, name):
    """A pyperf.Benchmark from one model's entry: a Run per timed process, its values on the
    row's clock (timing.clock: CPU time for single-threaded models, else wall time), each Run
    with pyperf's own metadata of this machine beside the lab's."""
    timing = entry.timing
    values = (entry.cpu_s if timing.clock == "cpu" else entry.wall_s).values
    processes = timing.value_processes or [1 + index // timing.values_per_process for index in range(len(values))]
    metadata = _metadata(result, entry, name)
    by_process = {}
    for value, process in zip(values, processes):
        by_process.setdefault(process, []).append(value / timing.ops)
    runs = [pyperf.Run(per_op, warmups=None, metadata=metadata, collect_metadata=True)
            for per_op in by_process.values()]
    return pyperf.Benchmark(runs)


def suite(results):
    """pyperf.BenchmarkSuite of [(Result, label or None)]; models that failed are left out."""
    benchmarks = []
    for result, label in results:
        where = f"{result.scenario}[{label}]" if label else result.scenario
        for model_key, entry in result.models.items():
            if entry.ok and entry.timing:
                benchmarks.append(benchmark(result, model_key, entry, f"{where}/{model_key}"))
    return pyperf.BenchmarkSuite(benchmarks) if benchmarks else None


def write(path, results):
    """Write the suite to PATH atomically (a temporary file beside it, then a rename); nothing if no model ran."""
    data = suite(results)
    if data is None:
        return
    try:
        output.replace_atomically(os.path.realpath(path), lambda tmp: data.dump(tmp, compact=False, replace=True))
    except OSError as exc:
        raise output.WriteFailed(f"could not write the pyperf file {path}: {exc.strerror or exc}") from None



