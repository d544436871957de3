"""A figure that is a marginal cost: deep_chain's time per resume leaves building and unwinding the chain out.

The worker times, beside every value, a run of the spec's fixed part (scenarios/spec.py MARGINAL:
deep_chain at one suspension); the row's figures are each value less its fixed value, over the
ops between the two runs (fiberlab/pipeline.py marginal), and the JSON keeps both parts.
"""

import json
import math
import statistics

import pytest

import scenarios
from fiberlab import pipeline, table, timing_plan
from fiberlab.result import Result
from scenarios.spec import Spec
from tests.conftest import run_cli

DEEP_CHAIN = scenarios.load("deep_chain")
PARAMS = {"depth": 100, "suspensions": 1_000, "tasks": 2, "via": "python"}


def timed(wall, fixed_wall, process=None):
    process = process or [1] * len(wall)
    return pipeline.Timed(wall=list(wall), cpu=[value / 2 for value in wall], process=process,
                          fixed_wall=list(fixed_wall), fixed_cpu=[value / 2 for value in fixed_wall])


def test_each_value_loses_the_fixed_value_timed_beside_it_over_the_ops_between_the_two_runs():
    rest, ops, parts = pipeline.marginal(DEEP_CHAIN, timed([0.010, 0.012, 0.011], [0.004, 0.005, 0.004]),
                                         PARAMS, "cpu")
    assert rest.wall == pytest.approx([0.006, 0.007, 0.007]) and rest.cpu == pytest.approx([0.003, 0.0035, 0.0035])
    assert ops == 2 * 1_000 - 2 * 1  # two chains, every exchange past the one the fixed run makes too
    whole, fixed = parts["whole run"], parts["build and unwind"]
    assert whole["params"] == PARAMS and whole["ops"] == 2_000
    assert fixed["params"] == dict(PARAMS, suspensions=1) and fixed["ops"] == 2
    assert fixed["cpu_s"]["values"] == pytest.approx([0.002, 0.0025, 0.002])
    assert fixed["share_of_whole_run"] == pytest.approx(fixed["cpu_s"]["center"] / whole["cpu_s"]["center"])


def test_a_scenario_without_a_fixed_part_keeps_its_values_whole():
    spec = scenarios.load("pingpong")
    values = timed([0.010, 0.011], [])
    params = {"rounds": 100, "pairs": 1}
    assert pipeline.marginal(spec, values, params, "cpu") == (values, spec.ops(params), None)


def test_a_run_too_short_for_its_difference_to_stand_out_is_timed_whole():
    few = dict(PARAMS, suspensions=999)  # under deep_chain's 1,000 exchanges per fixed one
    assert timing_plan.fixed_params(DEEP_CHAIN, few) is None
    assert pipeline.marginal(DEEP_CHAIN, timed([0.010], [0.004]), few, "cpu")[2] is None
    assert timing_plan.fixed_params(DEEP_CHAIN, PARAMS) == dict(PARAMS, suspensions=1)


def test_a_marginal_cost_with_no_difference_to_show_gets_no_interval_and_is_noisy():
    rest, ops, parts = pipeline.marginal(DEEP_CHAIN, timed([0.004, 0.005, 0.004], [0.0041, 0.0049, 0.004]),
                                         PARAMS, "wall")
    summary = pipeline.stats.summary(rest.wall, 1, rest.process)
    assert summary["ci95"] is None and pipeline.stats.noisy(summary)  # never a negative interval


def test_a_marginal_part_must_name_the_specs_own_parameters():
    with pytest.raises(ValueError, match="MARGINAL"):
        Spec(name="x", SUMMARY="", PARAMS=DEEP_CHAIN.PARAMS, ops=DEEP_CHAIN.ops, reference=DEEP_CHAIN.reference,
             SMALL={}, MARGINAL=({"rounds": 1}, "resume", "build and unwind", 1_000))


@pytest.fixture(scope="module")
def deep_chain_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("marginal") / "out.json"
    # three values, not --fast's nine: the tests check each value against its pair, whatever their count
    proc = run_cli("run", "deep_chain", "--param", "depth=300", "--param", "suspensions=1000", "--fast",
                   "--values", "3", "--models", "greenlet,coroutines", "--json", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return Result.from_json(json.loads(path.read_text())), proc.stdout


def test_deep_chain_reports_time_per_resume_with_build_and_unwind_apart_as_parts(deep_chain_run):
    result, stdout = deep_chain_run
    assert result.marginal == {"op": "resume", "fixed": "build and unwind", "fixed_overrides": {"suspensions": 1}}
    for entry in result.models.values():
        whole, fixed = entry.parts["whole run"], entry.parts["build and unwind"]
        clock = f"{entry.timing.clock}_s"
        differences = [one - other for one, other in zip(whole[clock]["values"], fixed[clock]["values"])]
        assert entry.timing.ops == 999 and 0 < fixed["share_of_whole_run"] < 1
        assert getattr(entry, clock).values == pytest.approx(differences)
        geometric = math.exp(statistics.fmean(math.log(value) for value in differences))
        assert entry.ns_per_op == pytest.approx(geometric / 999 * 1e9)
    assert "time/resume [95% CI]" in stdout and "time/op" not in stdout
    assert "is quickest" in stdout and "per resume" in stdout


def test_the_wide_table_names_its_time_column_by_the_marginal_op(deep_chain_run):
    result, _stdout = deep_chain_run
    assert table.header(result)[table.TIME_COLUMN] == "ns/resume [95% CI]"
    assert "each value less a run at suspensions=1 timed right after it" in table.render(result, wide=True)
