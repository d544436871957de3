"""Timing a reader can trust: values after an in-process warm-up in several processes,
a shorter value only where the plan and the spec allow it, every timed run checked,
and a pyperf file that pyperf itself reads."""

import json
import statistics
import subprocess
import sys

import pyperf
import pytest

import scenarios
from fiberlab import comparison, pipeline, table, timing_plan
from fiberlab.models import all_models
from fiberlab.result import Result
from tests.conftest import run_cli

DEFAULT, RIGOROUS, FAST = (timing_plan.PLANS[name] for name in ("default", "rigorous", "fast"))


def test_a_run_of_few_ops_is_timed_at_the_requested_size():
    spec = scenarios.load("pingpong")
    params = {"rounds": timing_plan.TIMED_OPS, "pairs": 1}
    assert timing_plan.timed_params(spec, params, DEFAULT) is params


def test_a_run_of_many_ops_is_timed_at_fewer_repetitions_of_the_time_by_parameter():
    spec = scenarios.load("pingpong")
    params = {"rounds": 100_000, "pairs": 4}
    assert timing_plan.timed_params(spec, params, DEFAULT) == {"rounds": timing_plan.TIMED_OPS // 4, "pairs": 4}


def test_the_timed_size_depends_on_the_parameters_alone_so_every_model_and_every_run_times_the_same():
    spec = scenarios.load("pingpong")
    params = {"rounds": 100_000, "pairs": 1}
    sizes = {str(timing_plan.timed_params(spec, dict(params), plan)) for plan in (DEFAULT, FAST)}
    assert sizes == {str({"rounds": timing_plan.TIMED_OPS, "pairs": 1})}


def test_rigorous_times_the_requested_size_however_many_ops():
    spec = scenarios.load("pingpong")
    params = {"rounds": 1_000_000, "pairs": 1}
    assert timing_plan.timed_params(spec, params, RIGOROUS) is params


def test_a_smaller_size_never_goes_below_the_parameter_minimum():
    spec = scenarios.load("pingpong")
    params = {"rounds": 10, "pairs": 100_000}
    assert timing_plan.timed_params(spec, params, DEFAULT) == {"rounds": 2, "pairs": 100_000}


def test_a_scale_parameter_is_timed_at_the_requested_size_however_many_ops():
    for name, params in (("spawn", {"leaves": 100_000}), ("connections", {"connections": 10_000, "messages": 10}),
                         ("cancel", {"tasks": 5_000, "depth": 100, "timeout_ms": 1.0})):
        spec = scenarios.load(name)
        params = dict({param.name: param.default for param in spec.PARAMS}, **params)
        assert spec.ops(params) > timing_plan.TIMED_OPS and timing_plan.timed_params(spec, params, DEFAULT) is params


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


def test_fast_and_default_take_as_many_values_so_their_pyperf_files_compare():
    assert FAST.processes * FAST.values == DEFAULT.processes * DEFAULT.values


def test_only_a_long_scale_bound_run_takes_fewer_values_per_process_never_none():
    spawn, pingpong = scenarios.load("spawn"), scenarios.load("pingpong")
    assert timing_plan.values_per_process(spawn, DEFAULT, timing_plan.VALUE_MAX_S) == DEFAULT.values  # short
    assert timing_plan.values_per_process(spawn, DEFAULT, 0.2) == 2  # 0.5 s of values a process
    assert timing_plan.values_per_process(spawn, DEFAULT, 5.0) == 1  # long: one value a process
    assert timing_plan.values_per_process(spawn, RIGOROUS, 5.0) == RIGOROUS.values  # rigorous: every value
    assert timing_plan.values_per_process(pingpong, DEFAULT, 5.0) == DEFAULT.values  # its size is bounded instead


def test_a_long_scale_bound_run_warms_up_at_a_tenth_of_its_tasks():
    spawn = scenarios.load("spawn")
    params = {"leaves": 100_000}
    assert timing_plan.warmup_params(spawn, params, 2.0, DEFAULT) == {"leaves": 10_000}


def test_every_other_run_warms_up_at_its_timed_size():
    spawn, pingpong = scenarios.load("spawn"), scenarios.load("pingpong")
    params = {"leaves": 100_000}
    assert timing_plan.warmup_params(spawn, params, timing_plan.VALUE_MAX_S, DEFAULT) is None  # short
    assert timing_plan.warmup_params(pingpong, {"rounds": 100_000, "pairs": 1}, 2.0, DEFAULT) is None  # bounded
    assert timing_plan.warmup_params(spawn, params, 2.0, RIGOROUS) is None  # rigorous: a full warm-up
    assert timing_plan.warmup_params(spawn, params, 2.0, timing_plan.plan_for_sweep(DEFAULT)) is None  # a sweep's point
    assert timing_plan.warmup_params(spawn, {"leaves": 5}, 2.0, DEFAULT) is None  # a tenth would be no smaller


def test_the_timed_processes_go_round_robin_each_round_starting_one_model_later():
    assert timing_plan.order(["a", "b", "c"], 2) == [(1, "a"), (1, "b"), (1, "c"), (2, "b"), (2, "c"), (2, "a")]
    assert timing_plan.order([], 3) == []


def test_single_threaded_models_are_judged_on_cpu_time_threads_and_waiting_scenarios_on_wall_time():
    models = all_models()
    pingpong, fairness = scenarios.load("pingpong"), scenarios.load("fairness")
    assert timing_plan.clock(pingpong, models["greenlet"]) == timing_plan.clock(pingpong, models["asyncio"]) == "cpu"
    assert timing_plan.clock(pingpong, models["threads"]) == "wall"
    assert timing_plan.clock(fairness, models["greenlet"]) == "wall"


def test_a_value_preempted_often_for_its_length_is_disturbed():
    per_s = timing_plan.DISTURBED_SWITCHES_PER_S
    # values of 0.01 s per run, 5 runs each: 0.05 s a value
    assert timing_plan.disturbed([0, per_s * 0.05, per_s * 0.05 + 1], [0.01] * 3, 5) == 1
    assert timing_plan.disturbed(None, [0.01], 5) is None


def test_a_model_wrong_only_in_its_smaller_warm_up_is_a_mismatch(monkeypatch):
    """fake-small-wrong is right at 100 tasks, slow enough to count as a long run, and wrong below
    50: its timed process warms up at 10 tasks, and that warm-up's result is checked too."""
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
    spec = scenarios.load("idle")
    options = pipeline.Options(plan=FAST, timeout_s=60, memory_passes=False)
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
    options = pipeline.Options(plan=FAST, timeout_s=60, memory_passes=False)
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


def test_fiberlab_run_takes_the_tracemalloc_run_only_when_asked_and_sweeps_keep_it():
    from fiberlab import cli
    pingpong, params = scenarios.load("pingpong"), {"rounds": 1_000, "pairs": 1}
    passes = lambda **flags: [pass_ for _label, pass_, _params in  # noqa: E731
                              pipeline.memory_jobs(pingpong, params, params, DEFAULT, **flags)]
    assert passes(traced=False) == ["memory", "memory"]
    assert passes(traced=True) == ["traced", "memory", "memory"]
    parser = cli.build_parser()
    assert not parser.parse_args(["run", "pingpong"]).traced and parser.parse_args(["run", "pingpong", "--traced"]).traced
    assert pipeline.Options().traced  # what sweeps build: the report's charts read the tracemalloc peak


def test_a_shared_process_warms_up_where_the_timed_ones_did_and_checks_that_warm_up():
    from fiberlab import worker
    from scenarios.common import digest
    spec, params, warmup = scenarios.load("idle"), {"tasks": 100}, {"tasks": 10}
    # greenlet's check was long (it warms up at a tenth), coroutines' short (at the timed size)
    warmups = {"greenlet": warmup, "coroutines": None}
    outcome = worker.shared_values({"scenario": "idle", "models": ["greenlet", "coroutines"], "params": params,
                                    "pass": "shared", "values": 2, "loops": {"greenlet": 1, "coroutines": 1},
                                    "warmup_params": warmups})
    for mine in outcome.models.values():
        assert mine["digests"] == [digest(spec.reference(params))]  # the values (and a full-size warm-up)
    assert outcome.models["greenlet"]["warmup_digest"] == digest(spec.reference(warmup))
    assert "warmup_digest" not in outcome.models["coroutines"]
    runner = pipeline.Runner("idle", spec, params, digest(spec.reference(params)), pipeline.Options(), None)
    assert runner.shared_failure(outcome, "shared 1/3", params, warmups) is None
    outcome.models["greenlet"]["warmup_digest"] = "0" * 16  # a model wrong only at the warm-up's size
    assert "greenlet: shared 1/3 warm-up: result differs from the reference" in runner.shared_failure(
        outcome, "shared 1/3", params, warmups)


def test_a_sweep_times_every_point_at_its_own_size():
    assert not timing_plan.plan_for_sweep(DEFAULT).size_values
    assert timing_plan.plan_for_sweep(DEFAULT).processes == DEFAULT.processes


def test_deep_chain_keeps_a_thousand_suspensions_in_a_shorter_value():
    spec = scenarios.load("deep_chain")
    params = {"depth": 10_000, "suspensions": 10_000, "tasks": 100}
    assert timing_plan.timed_params(spec, params, DEFAULT)["suspensions"] == 1_000


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
    proc = run_cli("run", "pingpong", "--param", "rounds=2000", "--param", "pairs=1", "--models", "greenlet,coroutines",
                   "--json", str(folder / "out.json"), "--pyperf", str(folder / "a.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads((folder / "out.json").read_text()), folder


def test_default_plan_gives_nine_values_from_three_processes_with_their_statistics(pingpong_default):
    result, _ = pingpong_default
    for entry in result["models"].values():
        wall, cpu = entry["wall_s"], entry["cpu_s"]
        assert len(wall["values"]) == 9 and wall["processes"] == 3 and len(cpu["values"]) == 9
        assert len(wall["ci95"]) == 2 and 0 < wall["ci95"][0] < wall["center"] < wall["ci95"][1]
        assert wall["stdev"] > 0 and isinstance(entry["noisy"], bool)
        timing = entry["timing"]
        assert timing["value_processes"] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
        assert len(timing["involuntary_switches"]) == 9 and 0 <= timing["disturbed"] <= 9
        assert len(entry["floor_values"]["cpu_ns_per_op"]) == 9  # a floor value beside every value
        assert entry["ns_per_op_ci95"][0] < entry["ns_per_op"] < entry["ns_per_op_ci95"][1]
    assert all(entry["timing"]["loops"] >= 1 for entry in result["models"].values())
    assert result["phases_s"]["timed processes"] > 0 and result["phases_s"]["shared processes"] > 0


def test_a_run_names_the_ratio_between_its_models_with_an_interval_and_a_verdict(pingpong_default):
    result, _ = pingpong_default
    ratio = comparison.paired_ratio(result, "greenlet", "coroutines")
    assert ratio["pairs"] == 9 and ratio["clock"] == "cpu" and ratio["method"] == comparison.ONE_PROCESS
    shared = result["shared"][0]
    assert {shared["a"], shared["b"]} == {"greenlet", "coroutines"} and shared["process"] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert 0 < ratio["ci95"][0] <= ratio["ratio"] <= ratio["ci95"][1]
    assert ratio["verdict"] in ("faster", "slower", "same within noise")
    shown = " ".join(table.render(Result.from_json(result)).split())  # wrapped at 100 columns
    assert comparison.describe(ratio) in shown  # the 2x2's row pair: under the table


def test_pyperf_reads_the_file_and_its_values_are_seconds_per_op(pingpong_default):
    result, folder = pingpong_default
    suite = pyperf.BenchmarkSuite.load(str(folder / "a.json"))
    assert sorted(suite.get_benchmark_names()) == ["pingpong/coroutines", "pingpong/greenlet"]
    for model_id, entry in result["models"].items():
        bench = suite.get_benchmark(f"pingpong/{model_id}")
        assert bench.get_nrun() == 3
        ops = entry["timing"]["ops"]
        assert entry["timing"]["clock"] == bench.get_metadata()["fiberlab_clock"] == "cpu"
        assert bench.get_values() == pytest.approx([value / ops for value in entry["cpu_s"]["values"]])
        assert statistics.geometric_mean(bench.get_values()) * 1e9 == pytest.approx(entry["ns_per_op"])
        assert "cpu_model_name" in bench.get_metadata() and "hostname" in bench.get_metadata()  # pyperf's own


def test_pyperf_stats_and_compare_to_work_on_lab_files(pingpong_default):
    _, folder = pingpong_default
    stats = subprocess.run([sys.executable, "-m", "pyperf", "stats", str(folder / "a.json")],
                           capture_output=True, text=True)
    assert stats.returncode == 0 and "pingpong/greenlet" in stats.stdout and "Mean +- std dev" in stats.stdout
    compare = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", str(folder / "a.json"),
                              str(folder / "a.json")], capture_output=True, text=True)
    assert compare.returncode == 0, compare.stderr
    # a file compared with itself: every benchmark named, none significantly faster or slower
    assert "pingpong/greenlet" in compare.stdout and "pingpong/coroutines" in compare.stdout
    assert "faster" not in compare.stdout and "slower" not in compare.stdout
