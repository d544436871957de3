"""The deepest deep_chain each model runs on this machine:
`python -m fiberlab.deep_chain_limits [--via python|c] [MODEL ...]`.

A stackless model resumes a chain by re-entering every level's coroutine in C
(coro.send -> the awaited coroutine's send -> ...), one C frame per level, so a
deep enough chain exhausts the C stack and the worker dies of SIGSEGV. With
via=c it is the stackful models' turn: every level calls the next through
map's C __next__, so the chain itself holds C frames on the C stack (greenlet
and gevent on the worker's main stack, threads on each thread's own), and a
deep enough chain overflows it. A stackless model cannot suspend through C at
all (status "unsupported" at every depth), and the C++ fibers size their stacks
from the depth, so both are said in one line and not bisected.

This bisects the depth (tasks=1, suspensions=2, one worker run per probe, in
fresh workers as `fiberlab run` makes them) between 1,000 and the spec's
maximum, to within STEP levels, and prints one line per model: the deepest
depth that ran and the shallowest that failed. scenarios/deep_chain MAX_DEPTH
holds its figures, per via; the harness refuses a via=c run beyond them.
"""

import sys

import scenarios
from fiberlab.models import MODELS, all_models
from fiberlab.pipeline import native_binaries, start

STEP = 250  # levels: the answer is good to this much
LOW = 1_000
VIAS = ("python", "c")


def runs(model_id, depth, via, binaries, spec):
    """The outcome of one check run of this depth (status, error)."""
    params = {"depth": depth, "suspensions": 2, "tasks": 1, "via": via}
    job = {"scenario": "deep_chain", "model": model_id, "params": params, "pass": "memory", "trace": False}
    return start(job, 300, sys.executable, binaries, spec)


def deepest(model_id, high, via, binaries, spec):
    """(deepest depth that ran, shallowest that failed or None, that failure), or (None, None,
    the reason) when the model cannot run this via at all (status "unsupported")."""
    outcome = runs(model_id, high, via, binaries, spec)
    if outcome.status == "unsupported":
        return None, None, outcome.error
    if outcome.ok:
        return high, None, None
    low, failure = LOW, outcome.error
    while high - low > STEP:
        middle = (low + high) // 2
        outcome = runs(model_id, middle, via, binaries, spec)
        if outcome.ok:
            low = middle
        else:
            high, failure = middle, outcome.error
    return low, high, failure


def main(argv):
    via = "python"
    if argv[:1] == ["--via"]:
        via, argv = (argv[1] if len(argv) > 1 else ""), argv[2:]
    if via not in VIAS:
        print(f"--via must be one of {'|'.join(VIAS)}", file=sys.stderr)
        return 2
    spec = scenarios.load("deep_chain")
    limit = spec.param("depth").maximum
    model_ids = argv or list(MODELS)
    unknown = [model_id for model_id in model_ids if model_id not in all_models()]
    if unknown:
        print(f"unknown model: {', '.join(unknown)} (known: {', '.join(all_models())})", file=sys.stderr)
        return 2
    binaries, unbuilt = native_binaries("deep_chain", model_ids, lambda _text: None)
    for model_id in model_ids:
        if model_id in unbuilt:
            print(f"{model_id}: not measured: {unbuilt[model_id]}", flush=True)
            continue
        ok, failed, error = deepest(model_id, limit, via, binaries, spec)
        if ok is None:
            print(f"{model_id}: via={via} unsupported at any depth: {error}", flush=True)
        elif failed is None:
            print(f"{model_id}: via={via} ran the maximum depth, {ok:,}", flush=True)
        else:
            print(f"{model_id}: via={via} ran depth {ok:,}, failed at {failed:,}: {error}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
