"""Every number means what its label says: one test (or more) per point of issue 11."""

import gc
import importlib
import json
import subprocess
import sys
import textwrap
import tracemalloc

import psutil
import pytest

import os_threads
from fiberlab.lab import report as lab_report
from fiberlab.lab import standard_sweeps
from fiberlab.gc_clock import GcClock
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker
from fiberlab.probe import Probe
from fiberlab.worker import without_probe
from scenarios.common import digest
from tests.conftest import REPO

MiB = 2**20


def slope_of(scenario, model, params, name, counts):
    """Bytes per task from two memory-pass workers, as the pipeline fits it."""
    points = []
    for count in counts:
        outcome = run_worker({"scenario": scenario, "model": model, "params": dict(params, **{name: count}),
                              "pass": "memory"}, timeout=120)
        assert outcome["status"] == "ok", outcome.get("error")
        points.append((count, outcome["uss_delta_bytes"]))
    (small, small_uss), (large, large_uss) = points
    return (large_uss - small_uss) / (large - small)


def standalone(script, *args):
    """kB per task that a crosscheck/ script prints (it knows nothing of the harness)."""
    proc = subprocess.run([sys.executable, f"crosscheck/{script}", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    return float(proc.stdout.split(":")[-1].split("kB")[0]) * 1e3


# -- 1. peak RSS is the worker's own ------------------------------------------------------------


PARENT_HOLDING_400_MIB = textwrap.dedent("""
    import subprocess, sys
    held = bytearray(400 * 2**20)
    for index in range(0, len(held), 4096):
        held[index] = 1  # touched: resident, so the parent's high-water mark is 400 MiB and more
    sys.exit(subprocess.run([sys.executable, "-m", "fiberlab", *sys.argv[1:]]).returncode)
""")


@pytest.mark.slow
def test_a_worker_started_by_a_parent_holding_400_mib_reports_its_own_peak(tmp_path):
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-c", PARENT_HOLDING_400_MIB, "run", "generator", "--param", "items=1000",
                           "--repeat", "1", "--models", "greenlet,threads", "--json", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for model, entry in json.loads(out.read_text())["models"].items():
        memory = entry["memory"]
        assert 0 < memory["peak_rss_bytes"] < 150 * MiB, model  # ru_maxrss said 400 MiB and more here
        assert 0 <= memory["peak_rss_above_start_bytes"] < memory["peak_rss_bytes"], model


# -- 2. the probe does not inflate what it measures ---------------------------------------------


def hoarding_describe(kept):
    """A describe that creates 32 MiB and keeps it, as frame objects outlive describe on 3.11+."""
    def describe(_unit):
        kept.append(bytearray(b"x" * (8 * MiB)))
        return {"frames": 1, "c_stack_bytes": None, "frame_bytes": None}
    return describe


def test_the_probe_reads_memory_before_describe_creates_anything():
    kept = []
    probe = Probe(hoarding_describe(kept))
    before = psutil.Process().memory_full_info().uss
    probe.snapshot(["a", "b", "c", "d"])
    assert probe.memory["uss_bytes"] - before < 8 * MiB  # read before: none of the 32 MiB
    assert probe.created["rss_bytes"] >= 24 * MiB  # and what describing made is known, to be taken out


def test_what_the_probe_created_is_not_counted_in_the_traced_or_resident_peak():
    kept = []
    probe = Probe(hoarding_describe(kept))
    tracemalloc.start()
    try:
        probe.snapshot(["a", "b"])
        traced_at_end = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert traced_at_end >= 16 * MiB  # the probe's objects are in tracemalloc's own peak ...
    assert without_probe(probe, traced_at_end, "traced_peak_bytes", "traced_bytes") < 4 * MiB  # ... not in ours


@pytest.mark.slow
def test_deep_chain_bytes_per_task_matches_a_probe_free_script_and_ranks_greenlet_below_asyncio():
    depth = 300  # the depth 1,000 takes longer; the ranking and the agreement hold here too
    params = {"depth": depth, "suspensions": 4, "tasks": 1, "via": "python"}
    lab = {model: slope_of("deep_chain", model, params, "tasks", (100, 500)) for model in ("greenlet", "asyncio")}
    free = {model: standalone("deep_chain_uss.py", str(depth), model) for model in ("greenlet", "asyncio")}
    assert lab["greenlet"] < lab["asyncio"]
    for model in lab:
        assert abs(lab[model] / free[model] - 1) <= 0.25, (model, lab[model], free[model])


# -- 3. one quantity per chart, parts labelled as parts -----------------------------------------


def deep_chain_data():
    def entry(per_task, copied, frames):
        return {"status": "ok", "ns_per_op": 100.0, "memory": {"bytes_per_task": per_task},
                "stack": {"c_stack_bytes_per_task": copied, "frame_bytes_per_task": frames}}
    models = {"greenlet": entry(170_000, 1_900, 150_000), "asyncio": entry(265_000, None, 235_000),
              "threads": entry(180_000, None, 160_000)}
    return {"axis": "depth", "points": [{"value": 1_000, "result": {"models": models}}]}


def test_the_memory_against_depth_chart_plots_the_uss_slope_for_every_model():
    series = {label: [(point.x, point.y) for point in points]
              for label, points in lab_report.per_model(deep_chain_data(), lab_report.bytes_per_task).items()}
    assert series == {"greenlet": [(1_000, 170_000)], "asyncio": [(1_000, 265_000)], "threads": [(1_000, 180_000)]}


def test_the_parts_add_up_to_the_whole_and_are_labelled_as_parts():
    depth, bars = lab_report.deepest_parts(deep_chain_data())
    assert depth == 1_000
    for model, whole in (("greenlet", 170_000), ("asyncio", 265_000), ("threads", 180_000)):
        assert sum(bars[model].values()) == whole
        assert list(bars[model]) == list(lab_report.PARTS)
    assert bars["greenlet"][lab_report.PARTS[0]] == 1_900 and bars["asyncio"][lab_report.PARTS[0]] == 0


def test_the_depth_sweep_measures_bytes_per_task_at_every_depth():
    sweep = next(sweep for sweep in standard_sweeps.SWEEPS if sweep.name == "deep_chain_depth")
    assert sweep.memory_slope


def test_a_thread_reservation_is_not_reported_as_c_stack_held():
    picture = os_threads.describe(os_threads.Stopped(None, sys._getframe()))
    assert picture["c_stack_bytes"] is None and picture["c_stack_reserved_bytes"] == os_threads.stack_reserved_bytes()
    assert picture["frame_bytes"] > 0


# -- 4. the C stack copied is read in a defined state -------------------------------------------


@pytest.mark.parametrize("model", ["greenlet", "gevent"])
def test_with_one_pair_ping_and_pong_copied_c_stacks_agree_within_ten_percent(model):
    outcome = run_worker({"scenario": "pingpong", "model": model, "params": {"rounds": 50, "pairs": 1},
                          "pass": "check"}, timeout=60)
    assert outcome["status"] == "ok", outcome.get("error")
    stack = outcome["stack"]
    assert stack["c_stack_bytes_min"] > 0
    assert stack["c_stack_bytes_max"] <= 1.10 * stack["c_stack_bytes_min"], stack


# -- 5. idle: a suspended task with nothing else ------------------------------------------------

IDLE_FILES = sorted({MODELS[model].file for model in MODELS if not MODELS[model].native})  # Python models; idle has no C++ files


@pytest.mark.parametrize("file", IDLE_FILES)
def test_every_idle_model_file_declares_its_mechanism_and_fits_on_a_screen(file):
    module = importlib.import_module(f"scenarios.idle.{file}")
    assert isinstance(module.MECHANISM, str) and module.MECHANISM
    assert len((REPO / "scenarios" / "idle" / f"{file}.py").read_text().splitlines()) <= 80


class RecordingProbe:
    def __init__(self):
        self.records, self.tasks = {}, None

    def snapshot(self, tasks):
        self.tasks = len(tasks)

    def record(self, name, value):
        self.records[name] = value


RUN_SEVERAL_TIMES = textwrap.dedent("""
    import json, sys
    from fiberlab.models import MODELS, load_function
    from tests.test_honest_figures import RecordingProbe
    runs = {}
    for model_id in sys.argv[1:]:  # uvloop last: its setup makes every later loop a uvloop
        model = MODELS[model_id]
        if model.setup:
            load_function(model.setup)()
        module = __import__(model.module_name("idle"), fromlist=["run"])
        runs[model_id] = []
        for _ in range(3):
            probe = RecordingProbe()
            runs[model_id].append([module.run({"tasks": 40}, probe), probe.tasks, probe.records["create_ns_per_task"]])
    print(json.dumps(runs))
""")


def test_idle_runs_several_times_in_one_process_and_records_creation_time():
    python_models = [model for model in MODELS if not MODELS[model].native]  # idle has no C++ files
    order = sorted(python_models, key=lambda model: model == "uvloop")
    proc = subprocess.run([sys.executable, "-c", RUN_SEVERAL_TIMES, *order], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    spec = importlib.import_module("scenarios.idle")
    runs = json.loads(proc.stdout)
    assert set(runs) == set(python_models)
    for model, model_runs in runs.items():
        for result, tasks, create_ns in model_runs:
            assert digest(result) == digest(spec.reference({"tasks": 40})), model
            assert tasks == 40 and create_ns > 0, model


def test_the_threads_model_takes_idle_at_its_default_size():
    threads = importlib.import_module("scenarios.idle.threads")
    spec = importlib.import_module("scenarios.idle")
    default = {param.name: param.default for param in spec.PARAMS}
    assert default["tasks"] == 10_000 == threads.threads_needed(default) <= os_threads.THREAD_LIMIT
    assert os_threads.refusal(threads, default) is None


@pytest.mark.slow
def test_idle_bytes_per_task_matches_a_probe_free_script():
    for model in ("greenlet", "asyncio"):
        lab = slope_of("idle", model, {}, "tasks", (500, 2_500))
        free = standalone("idle_uss.py", model)
        assert abs(lab / free - 1) <= 0.30, (model, lab, free)


# -- 6. one unit per chart ----------------------------------------------------------------------


def test_the_switch_chart_plots_round_trips_only_and_says_so():
    entry = {"status": "ok", "ns_per_op": 800.0, "baseline_ns_per_op": 300.0}
    data = {"axis": "pairs", "points": [{"value": 1, "result": {"models": {"asyncio": entry}}}]}
    bars = lab_report.switch_bars(data, {"measures": {"bare_coroutine": {"ns_per_round_trip": 200.0}}})
    assert bars == {"asyncio": 800.0, "bare greenlets": 300.0, "bare coro.send()": 200.0}
    chart = next(chart for chart in lab_report.CHARTS if chart.sweep == "pingpong_switch")
    assert "round trip" in chart.title and "round trip" in chart.ylabel


def test_the_bare_coroutine_measure_is_named_a_round_trip():
    proc = subprocess.run([sys.executable, "-m", "fiberlab.lab.measures", "--tiny"], cwd=REPO, capture_output=True,
                          text=True, timeout=60, check=True)
    bare = json.loads(proc.stdout)["bare_coroutine"]
    assert bare["round_trips"] > 0 and bare["ns_per_round_trip"] > 0
    assert not any("hand_over" in name for name in bare)


# -- 7. the garbage collector is visible --------------------------------------------------------


def test_the_gc_clock_sums_the_time_of_collections_and_only_while_it_runs():
    with GcClock() as clock:
        for _ in range(3):
            cycle = []
            cycle.append(cycle)
            gc.collect()
    assert clock.collections >= 3 and clock.total_s > 0
    seen = clock.collections
    gc.collect()
    assert clock.collections == seen  # the callback is gone once the clock has stopped


def test_gc_off_disables_collections_in_the_worker_and_on_counts_them():
    job = {"scenario": "spawn", "model": "asyncio", "params": {"leaves": 10_000}, "pass": "check"}
    on, off = run_worker(dict(job, gc="on"), timeout=60), run_worker(dict(job, gc="off"), timeout=60)
    assert on["status"] == off["status"] == "ok"
    assert on["gc_collections"] > 0 and on["gc_s"] > 0
    assert off["gc_collections"] == 0 and off["gc_s"] == 0


def test_run_records_the_gc_mode_and_time_and_the_table_shows_gc_share(harness_json):
    proc, result = harness_json("run", "generator", "--param", "items=200", "--repeat", "1", "--models", "greenlet",
                                "--gc", "off", "--wide")
    assert proc.returncode == 0, proc.stderr
    assert result["gc"] == "off"
    assert result["models"]["greenlet"]["gc_s"] == 0 and result["models"]["greenlet"]["gc_share"] == 0
    assert "gc share" in proc.stdout and "gc off" in proc.stdout


def test_sweep_takes_gc_off_and_records_it(harness_json):
    proc, sweep = harness_json("sweep", "generator", "--param", "items=20,40", "--repeat", "1", "--models", "asyncio",
                               "--gc", "off")
    assert proc.returncode == 0, proc.stderr
    assert sweep["gc"] == "off" and all(point["gc"] == "off" for point in sweep["points"])


@pytest.mark.parametrize("verb", [["run", "generator"], ["sweep", "generator", "--param", "items=1,2"]])
def test_a_bad_gc_mode_is_refused_in_one_line(verb, harness):
    proc = harness(*verb, "--gc", "sometimes")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--gc" in proc.stderr
