"""The result schema (fiberlab/result.py, docs/result-schema.md): what a run writes reads back
into the dataclasses unchanged, the table renders from a loaded file, and a file of another
schema version is refused in one line, by from_json and by the report."""

import json
import subprocess
import sys

import pytest

from fiberlab import table
from fiberlab.result import (SCHEMA_VERSION, LabSweep, Result, Runs, SchemaError, SchemaVersionError, Summary,
                             Sweep)
from tests import lab_results
from tests.conftest import REPO

SMALL = ("--models", "greenlet,asyncio", "--param", "rounds=200", "--param", "pairs=2", "--repeat", "1")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """A real run's JSON (two models, one timed process each) and what the run printed."""
    path = tmp_path_factory.mktemp("run") / "out.json"
    proc = subprocess.run([sys.executable, "-m", "fiberlab", "run", "pingpong", *SMALL, "--json", str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(path.read_text()), proc.stdout


def test_a_real_runs_json_reads_back_into_the_schema_and_writes_back_unchanged(small_run):
    data, _stdout = small_run
    assert data["schema"] == SCHEMA_VERSION
    result = Result.from_json(data)
    assert result.to_json() == data
    greenlet = result.models["greenlet"]
    assert greenlet.ok and greenlet.ns_per_op == data["models"]["greenlet"]["ns_per_op"]
    assert len(greenlet.timing.value_processes) == len(greenlet.wall_s.values)  # the process of every value
    assert result.environment.date and result.environment.load_start and result.environment.load_end


def test_a_sweep_and_a_run_of_several_scenarios_round_trip_with_the_run_inside(small_run):
    data, _stdout = small_run
    result = Result.from_json(data)
    sweep = Sweep(scenario="pingpong", swept="pairs", values=[2], points=[result], slopes={"greenlet": {"points": 1}})
    runs = Runs(runs=[result, result])
    for kind, value in ((Sweep, sweep), (Runs, runs)):
        written = json.loads(json.dumps(value.to_json()))
        assert written["schema"] == SCHEMA_VERSION and kind.from_json(written) == value


def test_the_table_renders_from_a_loaded_file_as_the_run_printed_it(small_run):
    data, stdout = small_run
    rendered = table.render(Result.from_json(data))
    assert rendered in stdout
    assert "every model matched the reference (2 of 2)" in rendered


@pytest.mark.parametrize("version,said", [(None, "no schema version"), (0, "schema version 0"),
                                          (SCHEMA_VERSION + 1, f"schema version {SCHEMA_VERSION + 1}")])
def test_a_file_of_another_schema_version_is_refused_in_one_line_naming_both(small_run, version, said):
    data = dict(small_run[0])
    if version is None:
        del data["schema"]
    else:
        data["schema"] = version
    for kind, wrapped in ((Result, data), (Runs, {"schema": version, "runs": [data]})):
        with pytest.raises(SchemaVersionError) as refused:
            kind.from_json(wrapped)
        message = str(refused.value)
        assert "\n" not in message and said in message and f"reads schema version {SCHEMA_VERSION}" in message


def test_a_field_the_schema_does_not_know_is_refused_naming_it(small_run):
    data = json.loads(json.dumps(small_run[0]))
    data["models"]["greenlet"]["ns_per_opp"] = 1.0
    with pytest.raises(SchemaError, match="unknown field 'ns_per_opp'"):
        Result.from_json(data)


def test_a_missing_field_takes_its_default_and_earlier_readers_name_for_values_still_reads():
    summary = Summary.from_json({"mean": 1.0, "runs": [1.0]})
    assert summary.values == [1.0] and summary.stdev is None and summary.to_json()["runs"] == [1.0]


def report(folder, out):
    return subprocess.run([sys.executable, "-m", "fiberlab.lab.report", "--results", str(folder), "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("version", [None, SCHEMA_VERSION + 1])
def test_the_report_refuses_a_folder_holding_only_an_old_version_file_in_one_line_and_exit_2(tmp_path, version):
    sweep = lab_results.results()["generator"]
    if version is None:
        del sweep["schema"]
    else:
        sweep["schema"] = version
    (tmp_path / "generator.json").write_text(json.dumps(sweep))
    done = report(tmp_path, tmp_path / "report")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert str(tmp_path / "generator.json") in lines[0] and f"reads schema version {SCHEMA_VERSION}" in lines[0]
    assert not (tmp_path / "report" / "index.html").exists()


def test_the_report_refuses_an_old_version_file_even_beside_current_ones(tmp_path):
    data = lab_results.results()
    del data["pingpong_switch"]["points"][0]["result"]["schema"]  # one point's run, from before versions
    lab_results.write(tmp_path, data)
    done = report(tmp_path, tmp_path / "report")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1, done.stderr
    assert "pingpong_switch.json" in done.stderr and "no schema version" in done.stderr
    assert not (tmp_path / "report").exists()


def test_the_synthetic_results_folder_is_of_the_current_schema():
    """The report's tests build their pages from it, so it must be what the lab writes."""
    for stem, data in lab_results.results().items():
        if stem != "measures":
            assert LabSweep.from_json(data).to_json()["points"], stem
