"""The report's charts: one quantity per chart, measured the same way for every model; parts labelled as parts."""

import json
import subprocess
import sys

from fiberlab.lab import chart_registry
from fiberlab.lab import figures as lab_figures
from fiberlab.lab import standard_sweeps
from tests.conftest import REPO


def deep_chain_data():
    def entry(per_task, copied, frames):
        return {"status": "ok", "ns_per_op": 100.0, "memory": {"bytes_per_task": per_task},
                "stack": {"c_stack_bytes_per_task": copied, "frame_bytes_per_task": frames}}
    models = {"greenlet": entry(170_000, 1_900, 150_000), "asyncio": entry(265_000, None, 235_000),
              "threads": entry(180_000, None, 160_000)}
    return {"axis": "depth", "points": [{"value": 1_000, "result": {"models": models}}]}


def test_the_memory_against_depth_chart_plots_the_uss_slope_for_every_model():
    series = {label: [(point.x, point.y) for point in points]
              for label, points in chart_registry.per_model(deep_chain_data(), lab_figures.bytes_per_task).items()}
    assert series == {"greenlet": [(1_000, 170_000)], "asyncio": [(1_000, 265_000)], "threads": [(1_000, 180_000)]}


def test_the_parts_add_up_to_the_whole_and_are_labelled_as_parts():
    depth, bars = chart_registry.deepest_parts(deep_chain_data())
    assert depth == 1_000
    for model, whole in (("greenlet", 170_000), ("asyncio", 265_000), ("threads", 180_000)):
        assert sum(bars[model].values()) == whole
        assert list(bars[model]) == list(chart_registry.PARTS)
    assert bars["greenlet"][chart_registry.PARTS[0]] == 1_900 and bars["asyncio"][chart_registry.PARTS[0]] == 0


def test_the_depth_sweep_measures_bytes_per_task_at_every_depth():
    sweep = next(sweep for sweep in standard_sweeps.SWEEPS if sweep.name == "deep_chain_depth")
    assert sweep.memory_slope


def test_the_switch_chart_plots_round_trips_only_and_says_so():
    entry = {"status": "ok", "ns_per_op": 800.0, "baseline_ns_per_op": 300.0}
    data = {"axis": "pairs", "points": [{"value": 1, "result": {"models": {"asyncio": entry}}}]}
    bars = chart_registry.switch_bars(data, {"measures": {"bare_coroutine": {"ns_per_round_trip": 200.0}}})
    assert bars == {"asyncio": 800.0, "bare greenlets": 300.0, "bare coro.send()": 200.0}
    chart = next(chart for chart in chart_registry.CHARTS if chart.sweep == "pingpong_switch")
    assert "round trip" in chart.title and "round trip" in chart.ylabel


def test_the_bare_coroutine_measure_is_named_a_round_trip():
    proc = subprocess.run([sys.executable, "-m", "fiberlab.lab.measures", "--tiny"], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True)
    bare = json.loads(proc.stdout)["bare_coroutine"]
    assert bare["round_trips"] > 0 and bare["ns_per_round_trip"] > 0
    assert not any("hand_over" in name for name in bare)
