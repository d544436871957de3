"""Sizes the spec allows but this machine cannot hold are refused before anything runs."""

import pytest

import scenarios
from fiberlab import memory_guard
from fiberlab.options import UsageError
from fiberlab.selection import select_models

GIB = 2**30


def test_spawn_ten_million_leaves_is_refused_with_16_gib_available():
    spec = scenarios.load("spawn")
    reason = memory_guard.refusal("spawn", spec, {"leaves": 10_000_000}, ["greenlet", "asyncio"], available=16 * GIB)
    assert reason.startswith("spawn: this size needs about ")
    assert "11,111,111 tasks alive" in reason and "--memory-limit" in reason


def test_the_default_spawn_fits_on_a_small_machine():
    spec = scenarios.load("spawn")
    params = {"leaves": 100_000}
    models = ["greenlet", "gevent", "asyncio", "uvloop", "coroutines"]  # threads refuses 100,000 leaves on its own
    assert memory_guard.refusal("spawn", spec, params, models, available=1 * GIB) is None


def test_a_deep_chain_grows_its_estimate_with_depth():
    spec = scenarios.load("deep_chain")
    shallow = memory_guard.estimate(spec, {"depth": 100, "suspensions": 1, "tasks": 1000}, "asyncio")
    deep = memory_guard.estimate(spec, {"depth": 10_000, "suspensions": 1, "tasks": 1000}, "asyncio")
    assert deep > 50 * (shallow - memory_guard.BASE_BYTES)


def test_a_scenario_without_estimates_is_never_refused():
    spec = scenarios.load("generator")
    assert memory_guard.refusal("generator", spec, {"items": 10_000_000}, ["greenlet"], available=1) is None


def test_memory_limit_lets_the_user_try_a_size_the_guard_would_refuse():
    plans = [("spawn", scenarios.load("spawn"), {"leaves": 10_000_000})]
    plans_huge = [("deep_chain", scenarios.load("deep_chain"), {"depth": 100_000, "suspensions": 1, "tasks": 100_000})]
    with pytest.raises(UsageError, match="needs about"):
        select_models(plans_huge, ["greenlet"], explicit=True, memory_limit_bytes=None)
    assert select_models(plans_huge, ["greenlet"], explicit=True, memory_limit_bytes=GIB).choices[0].kept == ("greenlet",)
    assert select_models(plans, ["greenlet"], explicit=True, memory_limit_bytes=GIB).choices[0].kept == ("greenlet",)


def test_the_cli_refuses_a_size_that_cannot_fit_in_one_line_before_running(harness):
    # 100,000 chains of 100,000 levels: terabytes on any machine.
    proc = harness("run", "deep_chain", "--param", "depth=100000", "--param", "tasks=100000", "--models", "asyncio")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "deep_chain: this size needs about" in proc.stderr


@pytest.mark.parametrize("name", ["deep_chain", "spawn", "pingpong"])
def test_every_model_with_a_file_has_an_estimate_where_the_scenario_gives_any(name):
    """A model without a figure would skip the guard: a run naming only it ran any size."""
    from fiberlab.models import all_models

    spec = scenarios.load(name)
    params = {param.name: param.default for param in spec.PARAMS}
    missing = [model.id for model in all_models().values()
               if model.has_file(name) and memory_guard.estimate(spec, params, model.id) is None]
    assert missing == []


@pytest.mark.parametrize("model_id", ["cpp_coroutines", "cpp_fibers"])
def test_a_native_model_alone_is_refused_a_size_that_cannot_fit(model_id):
    spec = scenarios.load("deep_chain")
    params = {"depth": 100_000, "suspensions": 1, "tasks": 100_000}
    assert memory_guard.refusal("deep_chain", spec, params, [model_id], available=24 * GIB).startswith(
        "deep_chain: this size needs about ")
