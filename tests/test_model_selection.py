"""Model selection (fiberlab/selection.py): run and sweep keep, leave out and refuse the same way."""

import pytest

import scenarios
from fiberlab.models import MODELS
from fiberlab.options import UsageError
from fiberlab.selection import select_models
from tests import in_process

NATIVE = [model_id for model_id, model in MODELS.items() if model.native]
PYTHON = [model_id for model_id, model in MODELS.items() if not model.native]


def plans(scenario, *sizes):
    spec = scenarios.load(scenario)
    return [(scenario, spec, in_process.params(spec, size)) for size in sizes or ({},)]


def without_file(scenario):
    return [model_id for model_id in MODELS if not MODELS[model_id].has_file(scenario)]


def test_a_scenario_without_cpp_files_leaves_the_native_models_out_without_a_word():
    assert NATIVE and set(without_file("idle")) >= set(NATIVE)  # idle has no C++ files
    selection = select_models(plans("idle"), list(MODELS), explicit=False, memory_limit_bytes=1 << 30)
    choice = selection.choices[0]
    assert set(choice.kept) == set(PYTHON)
    assert {item.model_id for item in choice.left_out} >= set(NATIVE)
    assert not any("cpp" in line for line in selection.notes() + choice.notes())


def test_a_native_model_named_where_its_file_is_missing_is_refused_in_one_line():
    with pytest.raises(UsageError, match=rf"^scenario idle has no file for model {NATIVE[0]} .*leave {NATIVE[0]} out"):
        select_models(plans("idle"), [NATIVE[0]], explicit=True, memory_limit_bytes=None)


def test_the_kept_models_keep_the_order_they_were_asked_in():
    asked = ["asyncio", "greenlet", "gevent"]
    choice = select_models(plans("pingpong"), asked, explicit=True, memory_limit_bytes=None).choices[0]
    assert choice.kept == tuple(asked) and choice.left_out == ()


def test_every_point_of_a_sweep_gets_its_own_choice_and_only_a_size_beyond_a_limit_leaves_threads_out():
    points = plans("connections", {"connections": 100}, {"connections": 6_000})
    selection = select_models(points, ["greenlet", "threads"], explicit=False, memory_limit_bytes=None)
    assert [choice.kept for choice in selection.choices] == [("greenlet", "threads"), ("greenlet",)]
    assert selection.choices[0].notes() == []
    assert [item.model_id for item in selection.choices[1].left_out] == ["threads"]


def test_named_models_that_cannot_take_a_size_are_refused_not_left_out():
    with pytest.raises(UsageError, match="lower the size or leave threads out of --models$"):
        select_models(plans("spawn"), ["greenlet", "threads"], explicit=True, memory_limit_bytes=None)
