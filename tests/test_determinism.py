"""Every model gives the same digest on every run: 20 runs of each scenario at
its SMALL size, in this process, with a probe that records nothing."""

import importlib
import sys

import pytest

import scenarios
from coroutines import runner
from fiberlab.models import MODELS, load_function
from fiberlab.probe import Probe
from scenarios.common import digest
from scenarios.spec import resolve

RUNS = 20
# A model whose file a scenario lacks is refused by the harness (tests/test_scenarios.py checks that).
# Native (C++) models run as binaries, not in this process: tests/test_native.py runs them repeatedly.
CASES = [(name, model) for name in scenarios.names() for model in MODELS
         if MODELS[model].has_file(name) and not MODELS[model].native]


def no_stack(_unit):
    return {"frames": None, "c_stack_bytes": None, "frame_bytes": None}


def digest_of_one_run(module, params):
    return digest(module.run(params, Probe(no_stack, read_memory=False)))


@pytest.mark.slow
@pytest.mark.parametrize("name,model_id", CASES, ids=[f"{name}-{model}" for name, model in CASES])
def test_every_model_gives_one_digest_across_20_runs(name, model_id):
    spec = scenarios.load(name)
    params = dict(resolve(spec, name, []), **spec.SMALL)
    model = MODELS[model_id]
    old_limit = sys.getrecursionlimit()
    if spec.recursion_limit is not None:  # as the worker does
        sys.setrecursionlimit(max(old_limit, spec.recursion_limit(params)))
    old_loop_factory = runner.RUNTIME.loop_factory
    if model.setup:
        load_function(model.setup)()
    module = importlib.import_module(model.module_name(name))
    try:
        digests = {digest_of_one_run(module, params) for _ in range(RUNS)}
    finally:
        sys.setrecursionlimit(old_limit)
        runner.use_loop(old_loop_factory)  # a setup (uvloop's loop) must not outlive its case
    assert digests == {digest(spec.reference(params))}
