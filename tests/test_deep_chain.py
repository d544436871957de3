"""deep_chain: every model returns the reference, and the probe sees whole chains.

Every Python model of the registry runs in this process, loaded as the worker loads it
(tests/in_process.py; gevent is not monkey-patched, so it and asyncio do not disturb each
other); test_scenarios.py runs them in workers.
"""

import importlib
import inspect

import pytest

from fiberlab.models import MODELS
from scenarios import deep_chain
from scenarios.common import digest
from tests import in_process

# Native (C++) models run as binaries: tests/test_native.py checks theirs.
MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("deep_chain")]


def params(**overrides):
    return in_process.params(deep_chain, **overrides)


CASES = {
    "depth_1": params(depth=1, suspensions=5),
    "depth_50": params(depth=50, suspensions=9),
    "three_chains": params(depth=20, suspensions=6, tasks=3),
    "one_suspension": params(depth=3, suspensions=1, tasks=2),
    "depth_5000": params(depth=5000, suspensions=3, tasks=2),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("model", MODEL_IDS)
def test_every_model_returns_the_sequential_reference(model, case):
    run_params = CASES[case]
    run = in_process.run("deep_chain", model, run_params, check_leaks=False)  # the probe test below checks leaks
    assert digest(run.result) == digest(deep_chain.reference(run_params))


@pytest.mark.parametrize("model", MODEL_IDS)
def test_the_probe_looks_once_at_every_chain_and_not_the_driver(model):
    run = in_process.run("deep_chain", model, params(depth=10, suspensions=4, tasks=3))  # and leaves nothing behind
    assert run.probe.stack["tasks"] == 3 and len(run.units) == 3  # snapshot() twice would have raised


@pytest.mark.parametrize("model", MODEL_IDS)
def test_every_chain_is_suspended_at_its_bottom_when_the_probe_looks(model):
    depth = 50
    run = in_process.run("deep_chain", model, params(depth=depth, suspensions=6, tasks=2))
    frames = [unit["frames"] for unit in run.units]
    assert len(frames) == 2 and all(depth <= count <= depth + 10 for count in frames), frames


def test_only_the_stackless_models_need_async_def_at_every_level():
    for model_id in MODEL_IDS:
        model = MODELS[model_id]
        module = importlib.import_module(model.module_name("deep_chain"))
        is_async = model.stack == "stackless"
        assert inspect.iscoroutinefunction(module.descend) is is_async, model_id
        assert inspect.iscoroutinefunction(module.bottom) is is_async, model_id
    assert {MODELS[model_id].stack for model_id in MODEL_IDS} == {"stackful", "stackless"}


def test_every_level_changes_the_result_so_a_wrong_depth_is_caught():
    results = {digest(deep_chain.reference(params(depth=depth, suspensions=3))) for depth in (1, 2, 3, 50, 51)}
    assert len(results) == 5


def test_the_order_of_offers_changes_the_result():
    one = deep_chain.reference(params(depth=1, suspensions=3, tasks=2))
    assert one[0]["returned"] != one[1]["returned"]
    assert one[0]["driver_seen"] != one[1]["driver_seen"]


def test_ops_count_every_exchange_of_every_chain():
    assert deep_chain.ops(params(suspensions=7, tasks=3)) == 21


def test_recursion_limit_covers_the_chain_and_never_lowers_the_default():
    assert deep_chain.recursion_limit(params(depth=1)) >= 1000
    deepest = {param.name: param for param in deep_chain.PARAMS}["depth"].maximum
    assert deep_chain.recursion_limit(params(depth=deepest)) > deepest


def test_a_stackless_chain_too_deep_for_the_c_stack_is_reported_as_such(tmp_path, harness):
    import json

    path = tmp_path / "out.json"
    proc = harness("run", "deep_chain", "--param", "depth=40000", "--param", "suspensions=2", "--param", "tasks=1",
                   "--repeat", "1", "--models", "coroutines", "--json", str(path))
    assert proc.returncode == 1
    entry = json.loads(path.read_text())["models"]["coroutines"]
    assert entry["status"] == "crashed"
    assert entry["error"].startswith("check: C stack exhausted at depth 40,000 (resume recursion")


def test_harness_list_gives_each_models_measured_maximum_depth_for_both_vias(harness):
    out = harness("list").stdout
    lines = {via: next(line for line in out.splitlines() if f"deepest depth run via={via} " in line)
             for via in ("python", "c")}
    for model in MODEL_IDS:
        assert f" {model} " in lines["python"] and f" {model} " in lines["c"]
    assert "asyncio 19,948 (crashed at 20,141)" in lines["python"]
    assert "greenlet 100,000 (the maximum)" in lines["python"]
    assert "greenlet 15,694 (crashed at 15,887)" in lines["c"] and "asyncio unsupported" in lines["c"]
