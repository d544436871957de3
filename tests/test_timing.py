"""Timing a reader can trust: values after an in-process warm-up in several processes,
a shorter value only where the plan and the spec allow it, every timed run checked,
and a pyperf file that pyperf itself reads."""

import json
import subprocess
import sys

import pyperf
import pytest

import scenarios
from fiberlab import pipeline
from tests.conftest import run_cli

DEFAULT, RIGOROUS = pipeline.PLANS["default"], pipeline.PLANS["rigorous"]


def test_a_short_run_is_timed_at_the_requested_size():
    spec = scenarios.load("pingpong")
    params = {"rounds": 100_000, "pairs": 1}
    assert pipeline.timed_params(spec, params, pipeline.VALUE_MAX_S, DEFAULT) is params


def test_a_long_run_is_timed_at_a_smaller_size_of_the_time_by_parameter():
    spec = scenarios.load("pingpong")
    params = {"rounds": 100_000, "pairs": 3}
    timed = pipeline.timed_params(spec, params, 4.0, DEFAULT)  # 4 s a run: a run of ~60 ms plays 1.5% of it
    assert timed == {"rounds": round(100_000 * pipeline.VALUE_TARGET_S / 4.0), "pairs": 3}
    assert timed["rounds"] < 100_000 / 10


def test_rigorous_times_the_requested_size_however_long_a_run_is():
    spec = scenarios.load("pingpong")
    params = {"rounds": 100_000, "pairs": 1}
    assert pipeline.timed_params(spec, params, 40.0, RIGOROUS) is params


def test_a_smaller_size_never_goes_below_the_parameter_minimum():
    spec = scenarios.load("pingpong")
    assert pipeline.timed_params(spec, {"rounds": 10, "pairs": 1}, 100.0, DEFAULT) == {"rounds": 2, "pairs": 1}


def test_a_scale_parameter_is_timed_at_the_requested_size_however_long_a_run_is():
    for name, params in (("spawn", {"leaves": 100_000}), ("connections", {"connections": 1_000, "messages": 10}),
                         ("cancel", {"tasks": 1_000, "depth": 10, "timeout_ms": 1.0})):
        spec = scenarios.load(name)
        params = dict({param.name: param.default for param in spec.PARAMS}, **params)
        assert pipeline.timed_params(spec, params, 10.0, DEFAULT) is params, name


def test_only_a_pure_repetition_count_may_make_a_timed_value_shorter():
    """Doubling TIME_BY doubles the ops and leaves what is alive at once as it was."""
    specs = [scenarios.load(name) for name in scenarios.names() if scenarios.load(name).TIME_BY]
    assert specs
    for spec in specs:
        params = {param.name: param.default for param in spec.PARAMS}
        doubled = dict(params, **{spec.TIME_BY: 2 * params[spec.TIME_BY]})
        assert spec.ops(doubled) == 2 * spec.ops(params), spec.name
        if spec.tasks_alive is not None:
            assert spec.tasks_alive(doubled) == spec.tasks_alive(params), spec.name


def test_a_long_run_at_the_requested_size_takes_fewer_values_per_process_never_none():
    assert pipeline.values_per_process(DEFAULT, pipeline.VALUE_MAX_S) == DEFAULT.values  # short: the plan's
    assert pipeline.values_per_process(DEFAULT, None) == DEFAULT.values  # made shorter by TIME_BY: the plan's
    assert pipeline.values_per_process(DEFAULT, 0.2) == 2  # 0.5 s of values a process
    assert pipeline.values_per_process(DEFAULT, 5.0) == 1  # long: one value a process, so `processes` values
    assert pipeline.values_per_process(RIGOROUS, 5.0) == RIGOROUS.values  # rigorous: every value, however long


def test_a_long_run_timed_at_its_requested_size_warms_up_at_a_tenth_of_its_tasks():
    spawn = scenarios.load("spawn")
    params = {"leaves": 100_000}
    assert pipeline.warmup_params(spawn, params, 2.0, DEFAULT) == {"leaves": 10_000}


def test_every_other_run_warms_up_at_its_timed_size():
    spawn, generator = scenarios.load("spawn"), scenarios.load("generator")
    params = {"leaves": 100_000}
    assert pipeline.warmup_params(spawn, params, pipeline.VALUE_MAX_S, DEFAULT) is None  # short
    assert pipeline.warmup_params(spawn, params, None, DEFAULT) is None  # made shorter by TIME_BY
    assert pipeline.warmup_params(spawn, params, 2.0, RIGOROUS) is None  # rigorous: a full warm-up
    assert pipeline.warmup_params(spawn, params, 2.0, pipeline.plan_for_sweep(DEFAULT)) is None  # a sweep's point
    assert pipeline.warmup_params(generator, {"items": 10**6}, 2.0, DEFAULT) is None  # no task count
    minimum = next(param.minimum for param in spawn.PARAMS if param.name == "leaves")
    assert pipeline.warmup_params(spawn, {"leaves": minimum}, 2.0, DEFAULT) is None  # no smaller size


def test_a_model_wrong_only_in_its_smaller_warm_up_is_a_mismatch(monkeypatch):
    """fake-small-wrong is right at 100 tasks, slow enough to count as a long run, and wrong below
    50: its timed process warms up at 10 tasks, and that warm-up's result is checked too."""
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
    spec = scenarios.load("idle")
    options = pipeline.Options(plan=pipeline.PLANS["fast"], timeout_s=60, memory_passes=False)
    result = pipeline.run_scenario("idle", spec, {"tasks": 100}, ["fake-small-wrong"], options, lambda _text: None)
    entry = result.models["fake-small-wrong"]
    assert entry.status == "mismatch" and entry.error.startswith("timing 1/1 warm-up"), entry.error


def test_a_run_taken_for_long_from_a_slow_check_still_gets_values_of_50_ms(monkeypatch):
    """fake-slow-first's check lasts 0.3 s, so its timed processes warm up at a tenth of its tasks;
    its warm runs last 1 ms: the worker scales the warm-up's time to the timed size, finds it
    short, and calibrates a loop count, so a value still lasts VALUE_MIN_S."""
    from fiberlab import worker

    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
    spec = scenarios.load("idle")
    options = pipeline.Options(plan=pipeline.PLANS["fast"], timeout_s=60, memory_passes=False)
    result = pipeline.run_scenario("idle", spec, {"tasks": 100}, ["fake-slow-first"], options, lambda _text: None)
    entry = result.models["fake-slow-first"]
    assert entry.status == "ok", entry.error
    assert entry.timing.warmup_params == {"tasks": 10}
    assert entry.timing.loops > 1
    assert min(entry.wall_s.values) * entry.timing.loops >= worker.VALUE_MIN_S


def test_the_tracemalloc_run_follows_the_timed_size_only_where_time_by_only_repeats():
    pingpong, spawn = scenarios.load("pingpong"), scenarios.load("spawn")
    assert pipeline.traced_params(pingpong, {"rounds": 100_000}, {"rounds": 2_000}, DEFAULT) == {"rounds": 2_000}
    assert pipeline.traced_params(spawn, {"leaves": 1_000}, {"leaves": 1_000}, DEFAULT) == {"leaves": 1_000}


def test_a_tracemalloc_run_of_many_tasks_goes_at_a_tenth_for_every_model_alike():
    spawn, connections = scenarios.load("spawn"), scenarios.load("connections")
    many = {"leaves": 100_000}  # 111,111 tasks alive
    assert pipeline.traced_params(spawn, many, many, DEFAULT) == {"leaves": 10_000}
    assert pipeline.traced_params(spawn, many, many, RIGOROUS) is many  # rigorous: the requested size
    params = dict({param.name: param.default for param in connections.PARAMS}, connections=1_000)  # 2,000 tasks
    assert pipeline.traced_params(connections, params, params, DEFAULT) is params


def test_a_sweep_times_every_point_at_its_own_size():
    assert not pipeline.plan_for_sweep(DEFAULT).size_values
    assert pipeline.plan_for_sweep(DEFAULT).processes == DEFAULT.processes


def test_deep_chain_keeps_a_thousand_suspensions_in_a_shorter_value():
    spec = scenarios.load("deep_chain")
    params = {"depth": 10_000, "suspensions": 10_000, "tasks": 1}
    assert pipeline.timed_params(spec, params, 60.0, DEFAULT)["suspensions"] == 1_000
    assert pipeline.timed_params(spec, dict(params, suspensions=500), 60.0, DEFAULT)["suspensions"] == 500


def test_a_model_wrong_only_in_a_later_timed_run_is_a_mismatch(tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness("run", "generator", "--param", "items=50", "--fast", "--models", "greenlet,fake-drift",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    models = json.loads(path.read_text())["models"]
    assert models["greenlet"]["status"] == "ok"
    assert models["fake-drift"]["status"] == "mismatch" and models["fake-drift"]["error"].startswith("timing 1/1")


@pytest.fixture(scope="module")
def pingpong_default(tmp_path_factory):
    """The default plan (3 processes x 3 values) at a small size, with both output files."""
    folder = tmp_path_factory.mktemp("timing")
    proc = run_cli("run", "pingpong", "--param", "rounds=2000", "--param", "pairs=1", "--models", "greenlet,asyncio",
                   "--json", str(folder / "out.json"), "--pyperf", str(folder / "a.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((folder / "out.json").read_text()), folder


def test_default_plan_gives_nine_values_from_three_processes_with_their_statistics(pingpong_default):
    result, _ = pingpong_default
    for entry in result["models"].values():
        wall, cpu = entry["wall_s"], entry["cpu_s"]
        assert len(wall["values"]) == 9 and wall["processes"] == 3 and len(cpu["values"]) == 9
        assert len(wall["ci95"]) == 2 and wall["ci95"][0] < wall["mean"] < wall["ci95"][1]
        assert wall["stdev"] > 0 and isinstance(entry["noisy"], bool)
    assert all(entry["timing"]["loops"] >= 1 for entry in result["models"].values())


def test_pyperf_reads_the_file_and_its_values_are_seconds_per_op(pingpong_default):
    result, folder = pingpong_default
    suite = pyperf.BenchmarkSuite.load(str(folder / "a.json"))
    assert sorted(suite.get_benchmark_names()) == ["pingpong/asyncio", "pingpong/greenlet"]
    for model_id, entry in result["models"].items():
        bench = suite.get_benchmark(f"pingpong/{model_id}")
        assert bench.get_nrun() == 3
        ops = entry["timing"]["ops"]
        assert bench.get_values() == pytest.approx([value / ops for value in entry["wall_s"]["values"]])
        assert bench.mean() * 1e9 == pytest.approx(entry["ns_per_op"])


def test_pyperf_stats_and_compare_to_work_on_lab_files(pingpong_default):
    _, folder = pingpong_default
    stats = subprocess.run([sys.executable, "-m", "pyperf", "stats", str(folder / "a.json")],
                           capture_output=True, text=True)
    assert stats.returncode == 0 and "pingpong/greenlet" in stats.stdout and "Mean +- std dev" in stats.stdout
    compare = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", str(folder / "a.json"),
                              str(folder / "a.json")], capture_output=True, text=True)
    assert compare.returncode == 0, compare.stderr
    # a file compared with itself: every benchmark named, none significantly faster or slower
    assert "pingpong/greenlet" in compare.stdout and "pingpong/asyncio" in compare.stdout
    assert "faster" not in compare.stdout and "slower" not in compare.stdout
