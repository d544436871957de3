"""Every scenario on every model gives its sequential reference's result."""


import pytest

import scenarios
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker
from scenarios.common import digest
from scenarios.spec import resolve

# Native (C++) models run as binaries, not through the Python worker: tests/test_native.py checks them.
PYTHON_MODELS = [model for model in MODELS if not MODELS[model].native]
CASES = [(name, model) for name in scenarios.names() for model in PYTHON_MODELS if MODELS[model].has_file(name)]
# A model whose file a scenario folder lacks: the harness must refuse that pair, not run it.


def small_params(name):
    spec = scenarios.load(name)
    return spec, dict(resolve(spec, name, []), **spec.SMALL)


@pytest.mark.parametrize("name,model", CASES, ids=[f"{name}-{model}" for name, model in CASES])
def test_every_model_agrees_with_the_sequential_reference_run_after_run_in_one_process(name, model):
    """The timed pass runs a scenario several times in one worker: a warm-up and two values of
    one run each. Every run must give the reference and leave nothing behind for the next."""
    spec, params = small_params(name)
    job = {"scenario": name, "model": model, "params": params, "pass": "time", "values": 2, "loops": 1}
    outcome = run_worker(job, timeout=120)
    assert outcome.ok, outcome.error
    assert outcome.digests == [digest(spec.reference(params))]  # the distinct digests of all three runs
    assert len(outcome.wall_values) == 2 and all(value > 0 for value in outcome.wall_values)
    assert outcome.stack.tasks >= 1
    assert outcome.stack.frames_per_task >= 1


def test_a_model_without_its_file_is_refused_in_one_line_when_named(harness, monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models_missing")
    named = harness("run", "generator", "--models", "greenlet,nofile")
    assert named.returncode == 2
    assert named.stderr.strip().splitlines() == [
        "fiberlab: scenario generator has no file for model nofile "
        "(scenarios/generator/no_such_model_file.py); leave nofile out of --models"
    ]


def test_every_public_model_has_a_file_in_every_scenario():
    for name in scenarios.names():
        assert [model for model in PYTHON_MODELS if not MODELS[model].has_file(name)] == [], name


def test_pingpong_reference_counts_every_hand_over():
    spec = scenarios.load("pingpong")
    games = spec.reference({"rounds": 3, "pairs": 2})
    assert [game["last_reply"] for game in games] == [5, 6]  # serves 0,2,4 -> last reply 5; pair 1 from 1


def test_generator_reference_sums_every_item():
    from scenarios import generator

    assert generator.SPEC.reference({"items": 3})["sum"] == sum(generator.item(index) for index in range(3))
