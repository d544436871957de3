"""--python: finding interpreters, refusing missing ones, and a run under a second one."""

import io
import json
import os
import signal
import subprocess
import sys

import pytest

from fiberlab import options, interpreters, table
from tests.conftest import REPO
from tests.processes import all_gone_within, wait_for_workers

THIS_VERSION = "%d.%d" % sys.version_info[:2]
CANDIDATES = ("3.10", "3.11", "3.12", "3.13")


def executable_script(path, text):
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_a_version_is_found_as_pythonX_Y_on_path(tmp_path, monkeypatch):
    os.symlink(sys.executable, tmp_path / f"python{THIS_VERSION}")
    monkeypatch.setenv("PATH", str(tmp_path))
    found = interpreters.find(THIS_VERSION)
    assert found.version == THIS_VERSION
    assert interpreters.version_of(found.base)[0] == THIS_VERSION


def test_a_failing_shim_on_path_is_passed_over_for_pyenvs_installed_version(tmp_path, monkeypatch):
    # A pyenv shim exists for every version pyenv knows, and fails when that version is not active.
    bin_dir, root = tmp_path / "bin", tmp_path / "pyenv-root"
    bin_dir.mkdir()
    executable_script(bin_dir / f"python{THIS_VERSION}", "#!/bin/sh\necho 'pyenv: command not found' >&2\nexit 127\n")
    executable_script(bin_dir / "pyenv", f"#!/bin/sh\necho {root}\n")
    installed = root / "versions" / f"{THIS_VERSION}.99" / "bin"
    installed.mkdir(parents=True)
    os.symlink(sys.executable, installed / f"python{THIS_VERSION}")
    monkeypatch.setenv("PATH", str(bin_dir))
    found = interpreters.find(THIS_VERSION)
    assert found.version == THIS_VERSION


def test_a_missing_version_is_a_usage_error_naming_what_was_tried(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(options.UsageError, match=r"--python 3\.99: no working Python 3\.99 \(tried python3\.99 on PATH"):
        options.parse_pythons(["3.99"], table.Progress(io.StringIO()))


def test_a_missing_version_on_the_command_line_is_one_line_and_exit_2(harness):
    proc = harness("run", "pingpong", "--python", f"{THIS_VERSION},3.99")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "3.99" in proc.stderr and "tried" in proc.stderr
    assert proc.stdout == ""


def test_a_path_to_an_interpreter_is_accepted_and_a_path_to_nothing_is_refused():
    assert interpreters.find(sys.executable).version == THIS_VERSION
    with pytest.raises(interpreters.NotFound, match="not a Python 3 interpreter that runs"):
        interpreters.find("/nonexistent/bin/python3")


def test_one_version_named_twice_is_refused():
    with pytest.raises(options.UsageError, match=f"names Python {THIS_VERSION} twice"):
        options.parse_pythons([f"{THIS_VERSION},{sys.executable}"], table.Progress(io.StringIO()))


def second_interpreter():
    """A version among 3.10-3.13 other than this one that runs here, or None."""
    for version in CANDIDATES:
        if version == THIS_VERSION:
            continue
        try:
            return interpreters.find(version).version
        except interpreters.NotFound:
            continue
    return None


@pytest.mark.slow
def test_a_small_run_under_a_second_interpreter_matches_and_records_its_versions(tmp_path, harness):
    # The first time (a fresh clone), this builds .venv-pythons/X.Y: measured at 18 s for the whole test
    # here, with pip's wheel cache warm; a minute or more where pip must download. Later runs reuse it.
    # An interpreter that exists but whose venv cannot be installed fails this test rather than skipping it.
    version = second_interpreter()
    if version is None:
        pytest.skip(f"no Python among {', '.join(CANDIDATES)} other than {THIS_VERSION} on PATH or in pyenv")
    path = tmp_path / "out.json"
    proc = harness("run", "pingpong", "--param", "rounds=200", "--param", "pairs=2", "--repeat", "1",
                   "--models", "greenlet,asyncio", "--python", version, "--json", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(path.read_text())
    assert result["match"] is True
    assert list(result["models"]) == [f"greenlet@{version}", f"asyncio@{version}"]
    for entry in result["models"].values():
        assert entry["status"] == "ok" and entry["python"] == version and entry["ns_per_op"] > 0
    described = result["environment"]["interpreters"][version]
    assert described["python"].startswith(version + ".")
    assert described["greenlet"] and described["gevent"]
    assert f"\ngreenlet@{version} " in proc.stdout


def test_sweep_takes_python_too_and_refuses_a_missing_one_in_one_line(harness):
    proc = harness("sweep", "pingpong", "--param", "rounds=10,20", "--python", "3.99")
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--python 3.99" in proc.stderr


@pytest.mark.slow
def test_a_signal_to_make_compare_pythons_stops_the_runs_and_their_workers(tmp_path):
    """make passes no signal on; the one process it runs asks for SIGTERM when make dies."""
    version = second_interpreter()
    if version is None:
        pytest.skip(f"no Python among {', '.join(CANDIDATES)} other than {THIS_VERSION} on PATH or in pyenv")
    make = subprocess.Popen(["make", "-s", "compare-pythons", f"PYTHON_VERSIONS={version}",
                             "COMPARE_SCENARIOS=pingpong", f"PYTHONS_OUT={tmp_path / 'out'}",
                             "ARGS=--models greenlet --param rounds=10000000 --fast"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = []
    try:
        workers = wait_for_workers(make, seconds=120)
        make.send_signal(signal.SIGTERM)
        make.communicate(timeout=30)
        assert all_gone_within(workers, 5), workers
    finally:
        if make.poll() is None:
            make.kill()
    assert not (tmp_path / "out" / "pingpong.json").exists()


def test_an_interpreter_older_than_the_lab_supports_is_refused_before_any_venv_is_built(tmp_path, harness):
    old = tmp_path / "python3.9"
    old.write_text(f"#!/bin/sh\necho 3.9 {old}\n")  # answers the version question as a Python 3.9 would
    old.chmod(0o755)
    proc = harness("run", "pingpong", "--python", str(old))
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        f"fiberlab: --python {old}: Python 3.9 is older than the lab supports "
        "(3.10 or newer, pyproject.toml's requires-python)"]
    assert not (interpreters.VENVS / "3.9").exists()
