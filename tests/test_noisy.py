"""Trust in figures: the statistics of a timing, and the rule that flags it as noisy.

The rule (fiberlab/stats.py, stated in docs/timing.md): noisy when fewer than 3
values, a stdev above 10% of the mean, or a 95% interval half-width above 5%
of the central value. Each way in and the way out is tested, at several value counts.
"""

import math
import statistics

import pytest

from fiberlab import pipeline, stats, table, timing_plan
from fiberlab.outcome import Outcome
from fiberlab.result import Result, Stack


def check():
    return Outcome(status="ok", digest="d", wall_s=1.0, peak_rss_bytes=1, rss_delta_bytes=1, uss_delta_bytes=1,
                   stack=Stack(tasks=1, frames_per_task=1.0, c_stack_bytes_per_task=1.0), records={})


def summarize(walls, processes=1):
    per = len(walls) // processes
    timed = pipeline.Timed(list(walls), [wall / 2 for wall in walls], [1 + index // per for index in range(len(walls))],
                           loops=1)
    return pipeline.summarize_model(pipeline.Untimed(check()), timed, 10, {"n": 10}, "wall",
                                    timing_plan.Plan("test", processes, per, True))


def log_t_interval(values, t):
    logs = [math.log(value) for value in values]
    half = t * statistics.stdev(logs) / math.sqrt(len(logs))
    return [math.exp(statistics.fmean(logs) - half), math.exp(statistics.fmean(logs) + half)]


def test_summary_has_mean_stdev_and_a_t_interval_on_the_log_scale():
    values = [1.0, 1.1, 0.9, 1.05, 0.95, 1.0, 1.02, 0.98, 1.0]
    wall = stats.summary(values, processes=3)
    assert wall["mean"] == pytest.approx(statistics.fmean(values))
    assert wall["stdev"] == pytest.approx(statistics.stdev(values))
    assert wall["center"] == pytest.approx(statistics.geometric_mean(values))
    assert wall["ci95"] == pytest.approx(log_t_interval(values, 2.306), rel=1e-4)  # t(0.975, 8 degrees of freedom)
    assert wall["values"] == values and wall["processes"] == 3 and wall["ci_unit"] == "value"
    assert (wall["median"], wall["min"], wall["max"]) == (1.0, 0.9, 1.1)


def test_an_interval_is_never_negative_however_wide_the_spread():
    wall = stats.summary([1e-6, 5e-3, 2e-6])  # the arithmetic t interval would reach far below zero
    assert 0 < wall["ci95"][0] < wall["center"] < wall["ci95"][1]


def test_when_processes_differ_the_process_is_the_unit():
    steady = [1.0, 1.001, 0.999]
    values = steady + [value * 1.5 for value in steady] + [value * 0.8 for value in steady]
    pooled = stats.summary(values)
    by_process = stats.summary(values, 3, [1, 1, 1, 2, 2, 2, 3, 3, 3])
    assert by_process["ci_unit"] == "process" and pooled["ci_unit"] == "value"
    means = [statistics.geometric_mean(values[start:start + 3]) for start in (0, 3, 6)]
    assert by_process["ci95"] == pytest.approx(log_t_interval(means, 4.303), rel=1e-4)  # t(0.975, 2 d.f.)
    assert by_process["ci95"][1] - by_process["ci95"][0] > pooled["ci95"][1] - pooled["ci95"][0]


def test_when_processes_agree_every_value_is_a_unit():
    values = [1.0, 1.05, 0.95, 1.0, 1.05, 0.95, 1.0, 1.05, 0.95]
    assert stats.summary(values, 3, [1, 1, 1, 2, 2, 2, 3, 3, 3])["ci_unit"] == "value"


@pytest.mark.parametrize("walls,noisy", [
    ([1.0, 1.01, 0.99, 1.0, 1.005, 0.995, 1.0, 1.01, 0.99], False),  # tight: 9 values
    ([1.0, 1.01, 0.99], False),  # tight: 3 values (half-width ~2.5% of the mean)
    ([1.0, 1.3, 0.7, 1.0, 1.3, 0.7, 1.0, 1.3, 0.7], True),  # stdev ~26% of the mean
    ([1.0, 1.06, 0.94], True),  # stdev 6% < 10%, but 3 values: half-width ~15% > 5%
    ([1.0, 1.0], True),  # fewer than 3 values cannot show their spread
    ([0.5], True),
])
def test_a_timing_is_noisy_exactly_by_the_stated_rule(walls, noisy):
    assert stats.noisy(stats.summary(walls)) is noisy


def test_noisy_by_stdev_alone_and_by_interval_alone():
    # 30 values, stdev 11% of the mean, half-width ~4%: the stdev line alone fires
    wide = [1.0 + 0.11 * (1 if index % 2 else -1) for index in range(30)]
    wall = stats.summary(wide)
    assert (wall["ci95"][1] - wall["ci95"][0]) / 2 < 0.05 * wall["mean"] and stats.noisy(wall)
    # 4 values, stdev ~4.6% of the mean, half-width ~7%: the interval line alone fires
    few = [0.95, 1.05, 0.95, 1.05]
    wall = stats.summary(few)
    assert wall["stdev"] < 0.10 * wall["mean"] and stats.noisy(wall)


def test_entry_has_the_design_fields_and_ns_per_op_from_the_central_value_of_its_clock():
    entry = summarize([1.0, 1.1, 0.9, 1.0, 1.1, 0.9], processes=2)
    assert entry.wall_s.mean == pytest.approx(1.0) and entry.timing.clock == "wall"
    assert entry.ns_per_op == pytest.approx(entry.wall_s.center / 10 * 1e9)
    assert entry.ns_per_op_ci95 == pytest.approx([bound / 10 * 1e9 for bound in entry.wall_s.ci95])
    assert entry.cpu_s.mean == pytest.approx(0.5)
    assert entry.wall_s.processes == 2 and len(entry.wall_s.values) == 6
    assert entry.timing.value_processes == [1, 1, 1, 2, 2, 2]  # the process each value came from
    assert isinstance(entry.noisy, bool)


def test_the_table_says_noisy_only_for_the_noisy_model():
    result = Result(scenario="s", params={"n": 10}, match=True,
                    models={"steady": summarize([1.0, 1.01, 0.99]), "shaky": summarize([1.0, 1.5, 0.6])})
    lines = table.render(result).splitlines()
    assert "noisy" in next(line for line in lines if line.startswith("shaky "))
    assert "noisy" not in next(line for line in lines if line.startswith("steady "))
