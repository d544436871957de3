"""The deepest deep_chain each model runs on this machine: `python -m fiberlab.deep_chain_limits [MODEL ...]`.

A stackless model resumes a chain by re-entering every level's coroutine in C
(coro.send -> the awaited coroutine's send -> ...), one C frame per level, so a
deep enough chain exhausts the C stack and the worker dies of SIGSEGV. This
bisects the depth (tasks=1, suspensions=2, one worker run per probe, in fresh
workers as `fiberlab run` makes them) between 1,000 and the spec's maximum, to
within STEP levels, and prints one line per model: the deepest depth that ran
and the shallowest that failed. scenarios/deep_chain MAX_DEPTH holds its figures.
"""

import sys

import scenarios
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker

STEP = 250  # levels: the answer is good to this much
LOW = 1_000


def runs(model_id, depth):
    params = {"depth": depth, "suspensions": 2, "tasks": 1}
    job = {"scenario": "deep_chain", "model": model_id, "params": params, "pass": "memory", "trace": False}
    outcome = run_worker(job, timeout=300)
    return outcome.ok, outcome.error


def deepest(model_id, high):
    """(deepest depth that ran, shallowest that failed or None, that failure)."""
    ok, error = runs(model_id, high)
    if ok:
        return high, None, None
    low, failure = LOW, error
    while high - low > STEP:
        middle = (low + high) // 2
        ok, error = runs(model_id, middle)
        if ok:
            low = middle
        else:
            high, failure = middle, error
    return low, high, failure


def main(argv):
    spec = scenarios.load("deep_chain")
    limit = next(param.maximum for param in spec.PARAMS if param.name == "depth")
    for model_id in argv or list(MODELS):
        ok, failed, error = deepest(model_id, limit)
        if failed is None:
            print(f"{model_id}: ran the maximum depth, {ok:,}", flush=True)
        else:
            print(f"{model_id}: ran depth {ok:,}, failed at {failed:,}: {error}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
