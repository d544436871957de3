"""Timings as a pyperf BenchmarkSuite: `--pyperf FILE` on run and sweep.

One benchmark per (scenario, model) — per (scenario, point, model) in a sweep —
named "scenario/model" ("scenario[axis=value]/model"), one pyperf Run per timed
worker process holding the values that process took after its warm-up. Values
are in SECONDS PER OP (one suspend/resume operation of the scenario, as in
ns_per_op): a value is seconds per run at timing.params divided by that run's
ops, so files from runs timed at different sizes still compare. The metadata
carries loops (runs averaged per value), inner_loops (ops per run) and the
lab's environment. The file is written with pyperf's own API, so
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
        "fiberlab_params": ", ".join(f"{key}={value}" for key, value in timing.params.items()),
        "fiberlab_greenlet": env.greenlet,
        "fiberlab_gevent": env.gevent,
    }
    return {key: value for key, value in metadata.items() if value not in (None, "")}


def benchmark(result, model_key, entry, name):
    """A pyperf.Benchmark from one model's entry: a Run per timed process."""
    values = entry.wall_s.values
    per_process = entry.timing.values_per_process
    ops = entry.timing.ops
    metadata = _metadata(result, entry, name)
    runs = [pyperf.Run([value / ops for value in values[start:start + per_process]], warmups=None,
                       metadata=metadata, collect_metadata=False)
            for start in range(0, len(values), per_process)]
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



