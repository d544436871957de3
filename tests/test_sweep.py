"""`fiberlab sweep`: one JSON with every point's full result, one table, slopes, refusals."""

import json

import pytest

import scenarios
from fiberlab import sweep as sweep_verb
from fiberlab.result import Sweep

from tests.conftest import run_cli

MODELS = ["--models", "greenlet,gevent,asyncio"]


@pytest.fixture(scope="module")
def deep_chain_sweep(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "sweep.json"
    proc = run_cli("sweep", "deep_chain", "--param", "depth=1,5", "--param", "suspensions=3", "--repeat", "1",
                   "--values", "3", *MODELS, "--json", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(path.read_text()), proc


def test_sweep_json_holds_one_full_run_result_per_value(deep_chain_sweep):
    sweep, _ = deep_chain_sweep
    assert sweep["scenario"] == "deep_chain" and sweep["swept"] == "depth" and sweep["values"] == [1, 5]
    assert sweep["complete"] is True  # an interrupted sweep's file says false: only some points are in
    assert [point["params"] for point in sweep["points"]] == [
        {"depth": 1, "suspensions": 3, "tasks": 1, "via": "python"}, {"depth": 5, "suspensions": 3, "tasks": 1, "via": "python"}]
    for point in sweep["points"]:
        assert point["scenario"] == "deep_chain" and point["match"] is True
        assert set(point["models"]) == {"greenlet", "gevent", "asyncio"}
        for entry in point["models"].values():
            assert entry["status"] == "ok" and entry["digest"] == point["reference_digest"]
            assert entry["ns_per_op"] > 0 and len(entry["wall_s"]["values"]) == 3  # 1 process x 3 values
            assert entry["timing"]["params"] == point["params"]  # a sweep times each point at its own size
            assert entry["stack"]["frames_per_task"] >= point["params"]["depth"]


def test_sweep_fits_a_slope_per_model_over_the_points_that_succeeded(deep_chain_sweep):
    sweep, _ = deep_chain_sweep
    for model_id in ("greenlet", "gevent", "asyncio"):
        fit = sweep["slopes"][model_id]
        assert fit["points"] == 2 and isinstance(fit["ns_per_op"], float)
    # four more frames on the chain, the same quantity for every model: their bytes grow with depth
    for model_id in ("greenlet", "gevent", "asyncio"):
        assert sweep["slopes"][model_id]["stack_bytes_per_task"] > 0, model_id
        assert sweep["slopes"][model_id]["stack_kind"] == "frame"


def test_sweep_prints_one_row_per_model_and_one_column_per_value(deep_chain_sweep):
    _, proc = deep_chain_sweep
    lines = proc.stdout.splitlines()
    header = next(line for line in lines if line.startswith("time/op at depth="))
    assert header.split()[-2:] == ["1", "5"]
    rows = {line.split()[0]: line.split()[1:] for line in lines if line.split() and line.split()[0] in MODELS[1].split(",")}
    assert list(rows) == ["greenlet", "gevent", "asyncio"]
    assert all(len(cells) == 4 and cells[1] in ("ns", "µs", "ms") for cells in rows.values())  # "2.39 µs" per value
    assert all(len(line) <= 100 for line in lines)
    assert "slopes against depth" in proc.stdout
    assert "2 of 2 points: every model matched the reference" in proc.stdout
    assert "point 2/2 depth=5" in proc.stderr  # progress says which point of how many


def test_a_wide_sweep_prints_one_row_per_value_with_every_figure_and_each_point_s_verdict(deep_chain_sweep):
    data, _ = deep_chain_sweep
    loaded = Sweep.from_json(data)
    lines = sweep_verb.render("deep_chain", "depth", loaded.points, loaded.slopes, wide=True).splitlines()
    header = next(line for line in lines if line.startswith("depth "))
    assert header.split() == ["depth", "greenlet", "gevent", "asyncio"]
    rows = [line for line in lines if line.split()[0] in ("1", "5")]
    assert len(rows) == 2 and all(row.count(" ns · ") == 3 for row in rows)
    assert sum(line.strip().startswith("verdict: ") for line in lines) == 2


def test_a_sweep_names_the_quickest_model_at_each_point(deep_chain_sweep):
    data, proc = deep_chain_sweep
    for point in data["points"]:
        quickest = min(("greenlet", "gevent", "asyncio"), key=lambda model: point["models"][model]["ns_per_op"])
        line = next(line for line in proc.stdout.splitlines() if line.startswith(f"  depth={point['params']['depth']}:"))
        assert line.split(":")[1].split()[0] == quickest
        assert "faster than the next" in line or "same within noise" in line or "load changed: rerun" in line


def test_a_model_failing_at_every_point_is_recorded_and_the_sweep_goes_on(harness_json):
    proc, sweep = harness_json("sweep", "generator", "--param", "items=10,20", "--repeat", "1",
                               "--models", "fake-raise,greenlet", extra_models=True)
    assert proc.returncode == 1
    assert sweep["values"] == [10, 20] and len(sweep["points"]) == 2
    for point in sweep["points"]:
        assert point["models"]["fake-raise"]["status"] == "error"
        assert point["models"]["greenlet"]["status"] == "ok"
    assert "items=20 fake-raise: error:" in proc.stdout
    assert sweep["slopes"]["fake-raise"]["ns_per_op"] is None


BAD_SWEEPS = {
    "no swept param": ["--param", "items=10"],
    "two swept params": ["--param", "items=10,20", "--param", "items=30,40"],
    "empty item": ["--param", "items=10,,20"],
    "only commas": ["--param", "items=,"],
    "value out of range": ["--param", "items=10,0"],
    "value not a number": ["--param", "items=10,many"],
    "value named twice": ["--param", "items=10,10"],
    "swept and fixed": ["--param", "items=10,20", "--param", "items=5"],
    "unknown param": ["--param", "speed=1,2"],
    "repeat zero": ["--param", "items=10,20", "--repeat", "0"],
}


@pytest.mark.parametrize("args", BAD_SWEEPS.values(), ids=BAD_SWEEPS.keys())
def test_a_bad_sweep_is_refused_with_one_line_and_exit_2(args, harness):
    proc = harness("sweep", "generator", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert proc.stderr.startswith("fiberlab: ") and "Traceback" not in proc.stderr


@pytest.fixture
def fd_limit_between_100_and_10000_connections(monkeypatch):
    """An open-file limit that holds 100 connections in one process, and 10,000 only split,
    whatever this machine's limit is (fiberlab/fd_budget.py reads it)."""
    from fiberlab import fd_budget

    spec = scenarios.load("connections")
    limit = spec.fds_needed({"connections": 10_000, "split": True})
    assert spec.fds_needed({"connections": 100, "split": False}) <= limit < spec.fds_needed({"connections": 10_000})
    monkeypatch.setattr(fd_budget, "fd_limit", lambda: limit)


def test_a_sweep_whose_largest_point_must_split_runs_every_point_split(capsys, fd_limit_between_100_and_10000_connections):
    from fiberlab.sweep import plan_points

    spec = scenarios.load("connections")
    _name, points = plan_points("connections", spec, ["connections=100,10000"])
    assert [point["split"] for point in points] == [True, True]  # one layout: never a line through both
    assert "split=true at every point" in capsys.readouterr().out


def test_a_sweep_that_fits_in_one_process_stays_unsplit(fd_limit_between_100_and_10000_connections):
    from fiberlab.sweep import plan_points

    _name, points = plan_points("connections", scenarios.load("connections"), ["connections=10,100"])
    assert [point["split"] for point in points] == [False, False]


def test_a_sweep_of_the_layout_itself_keeps_each_point_in_its_own_layout(fd_limit_between_100_and_10000_connections):
    from fiberlab.sweep import plan_points

    name, points = plan_points("connections", scenarios.load("connections"), ["connections=100", "split=true,false"])
    assert name == "split" and [point["split"] for point in points] == [True, False]


def test_the_lab_sweep_of_connections_runs_every_point_in_the_layout_of_its_largest(
        fd_limit_between_100_and_10000_connections):
    from fiberlab.lab import standard_sweeps

    sweep = next(sweep for sweep in standard_sweeps.SWEEPS if sweep.name == "connections")
    planned = standard_sweeps.sweep_points(sweep, scenarios.load("connections"), tiny=False)
    assert list(planned) == list(sweep.points) and planned[max(planned)]["split"]
    assert all(params["split"] for params in planned.values())


def test_a_sweep_point_that_cannot_fit_even_split_is_refused_before_anything_runs(
        harness, fd_limit_between_100_and_10000_connections):
    proc = harness("sweep", "connections", "--param", "connections=100,10000", "--param", "split=false")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "file descriptors" in proc.stderr
