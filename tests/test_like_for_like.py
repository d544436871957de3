"""Like for like: every row says how it hands over, and the floors are measured beside the rows."""

from pathlib import Path

import pytest

import scenarios
from coroutines import bare
from fiberlab import pipeline, table, timing_plan
from fiberlab.models import MODELS, declared_mechanism
from fiberlab.outcome import Outcome
from fiberlab.result import Kind, Memory, Result, Stack

SCENARIOS = Path(scenarios.__file__).resolve().parent
SCENARIO_FILES = [(name, model_id) for name in scenarios.names() for model_id, model in MODELS.items()
                  if model.has_file(name)]


def test_the_scenarios_are_found_on_disk_so_new_ones_are_checked_too():
    on_disk = {path.parent.name for path in Path(scenarios.__file__).parent.glob("*/__init__.py")}
    assert set(scenarios.names()) == on_disk
    assert {name for name, _ in SCENARIO_FILES} == on_disk  # every scenario has model files


@pytest.mark.parametrize(("scenario", "model_id"), SCENARIO_FILES)
def test_every_scenario_model_file_declares_its_mechanism(scenario, model_id):
    mechanism = MODELS[model_id].mechanism(scenario)
    assert isinstance(mechanism, str) and mechanism.strip(), f"scenarios/{scenario}: {model_id} has no MECHANISM"


def test_a_file_without_a_mechanism_string_declares_none(tmp_path):
    with_one, without, not_a_string = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "c.py"
    with_one.write_text('"""doc"""\nimport os\n\nMECHANISM = "direct switch"  # why\n')
    without.write_text('def f():\n    MECHANISM = "inside a function does not count"\n')
    not_a_string.write_text("MECHANISM = None\n")
    assert declared_mechanism(with_one) == "direct switch"
    assert declared_mechanism(without) is None
    assert declared_mechanism(not_a_string) is None


def calls_switch_to(scenario, model_id):
    return "switch_to(" in (SCENARIOS / scenario / MODELS[model_id].source_name).read_text()


@pytest.mark.parametrize(("scenario", "model_id"), [(name, model_id) for name, model_id in SCENARIO_FILES
                                                    if model_id in ("greenlet", "coroutines")])
def test_an_own_scheduler_file_says_direct_exactly_when_it_hands_over_with_switch_to(scenario, model_id):
    assert MODELS[model_id].mechanism(scenario).startswith("direct") == calls_switch_to(scenario, model_id)


@pytest.mark.parametrize("scenario", ["pingpong", "generator", "deep_chain"])
def test_the_own_scheduler_row_hands_over_directly_in_both_stack_models(scenario):
    assert calls_switch_to(scenario, "greenlet") and calls_switch_to(scenario, "coroutines")


def test_switch_to_resumes_the_named_task_without_a_run_queue_pass():
    order = []

    async def bystander():
        order.append("bystander")  # ready since the start: it runs only when the game leaves the loop free

    async def partner(main_task, value):
        while value < 3:
            order.append(f"partner {value}")
            value = await bare.switch_to(main_task, value + 1)
        order.append(f"partner {value}")
        bare.ready(main_task, "done")  # queued behind the bystander

    async def main():
        bare.spawn(bystander)
        task = bare.create(partner, bare.current(), name="partner")
        value = await bare.switch_to(task, 0)
        while value < 3:
            order.append(f"main {value}")
            value = await bare.switch_to(task, value + 1)
        order.append(f"main {value}")
        return await bare.switch_to(task, value)

    assert bare.run(main) == "done"
    assert order == ["partner 0", "main 1", "partner 2", "main 3", "partner 3", "bystander"]


def summarized(walls_s, floors_ns, ops=1, processes=None):
    """Timed values on the wall clock, each followed by the floor value its worker timed right after it."""
    check = Outcome(status="ok", wall_s=walls_s[0], cpu_s=walls_s[0], peak_rss_bytes=1, rss_delta_bytes=0,
                    uss_delta_bytes=0, digest="d", stack=Stack(), records={})
    timed = pipeline.Timed(list(walls_s), list(walls_s), processes or list(range(1, len(walls_s) + 1)), loops=1)
    timed.floor_wall = timed.floor_cpu = [floor for floor in floors_ns if floor]
    timed.floor_switches = [0] * len(timed.floor_wall)
    return pipeline.summarize_model(pipeline.Untimed(check), timed, ops, {}, "wall", timing_plan.PLANS["default"], ops)


def test_vs_floor_pairs_each_value_with_the_floor_value_beside_it():
    # The machine ran twice as slow during the second pair: its value and its floor both doubled.
    entry = summarized([1e-6, 2e-6, 1.1e-6], [1000, 2000, 1000])
    assert entry.vs_baseline == pytest.approx((1.0 * 1.0 * 1.1) ** (1 / 3))  # geometric mean of 1.0, 1.0, 1.1
    assert entry.baseline_ns_per_op == pytest.approx((1000 * 2000 * 1000) ** (1 / 3))
    assert entry.vs_baseline_ci95[0] < entry.vs_baseline < entry.vs_baseline_ci95[1]


def test_a_floor_that_drifts_with_the_machine_still_gives_a_steady_ratio():
    walls = [1.2e-6, 2.4e-6, 1.8e-6, 1.2e-6, 3.6e-6, 1.2e-6]  # the model's values spread 3x
    floors = [wall / 1.2 * 1e9 for wall in walls]  # the floor beside each, as slow as the machine was then
    entry = summarized(walls, floors, processes=[1, 1, 2, 2, 3, 3])
    assert entry.noisy  # the values alone say nothing steady
    assert entry.vs_baseline == pytest.approx(1.2) and not entry.vs_baseline_noisy


def test_without_a_floor_there_is_no_ratio():
    timed = summarized([1e-6], [None])
    assert timed.vs_baseline is None and timed.baseline_ns_per_op is None


def fake_result(column):
    entry = summarized([1e-6], [500])
    entry.kind, entry.mechanism = Kind(stack="stackful", scheduler="own scheduler"), "direct switch"
    entry.memory, entry.stack = Memory(peak_rss_bytes=1), Stack()
    failed = pipeline.failed("crashed", "boom", 1)
    failed.kind, failed.mechanism = Kind(stack="stackless", scheduler="own scheduler"), "direct send"
    return Result(scenario="x", params={}, match=False, models={"greenlet": entry, "coroutines": failed},
                  baseline="a floor", baseline_column=column)


def test_the_table_names_the_floor_column_as_the_spec_does_and_shows_each_mechanism():
    text = table.render(fake_result("vs gen"), wide=True)
    header = text.splitlines()[1]
    assert "mechanism" in header and "vs gen" in header and "vs floor" not in header
    assert "direct switch" in text and "direct send" in text  # a failed row still says how it hands over
    assert "2.00x" in text  # 1,000 ns/op over a 500 ns floor
    assert "vs gen: ns/op over a floor" in text


def test_a_result_without_a_floor_column_name_falls_back_to_vs_floor():
    assert "vs floor" in table.render(fake_result(None), wide=True).splitlines()[1]
