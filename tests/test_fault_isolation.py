"""A model that fails in any way is that model's failure; the harness itself
leaves no worker behind when it is stopped, and no broken result file."""

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from harness.cli import write_json
from tests.conftest import REPO, run_cli

GENERATOR_SMALL = ["run", "generator", "--param", "items=50", "--repeat", "1"]


def test_a_model_that_runs_out_of_memory_is_reported_while_the_others_complete(tmp_path):
    path = tmp_path / "out.json"
    proc = run_cli(*GENERATOR_SMALL, "--memory-limit", "300", "--models", "fake-oom,greenlet",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stderr
    models = json.loads(path.read_text())["models"]
    assert models["fake-oom"]["status"] == "error"
    assert "out of memory" in models["fake-oom"]["error"] and "MemoryError" in models["fake-oom"]["error"]
    assert "\n" not in models["fake-oom"]["error"]
    assert models["greenlet"]["status"] == "ok"


def test_a_model_that_leaks_is_reported_as_that_models_error(tmp_path):
    path = tmp_path / "out.json"
    proc = run_cli(*GENERATOR_SMALL, "--models", "fake-leak,fake-leak-gevent,fake-leak-asyncio,gevent",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stderr
    models = json.loads(path.read_text())["models"]
    assert {model["status"] for model_id, model in models.items() if model_id != "gevent"} == {"error"}
    assert models["fake-leak"]["error"] == "warm-up: leak: 2 fds left open, 1 greenlet still suspended"
    assert models["fake-leak-gevent"]["error"] == "warm-up: leak: 1 greenlet still suspended"
    assert models["fake-leak-asyncio"]["error"] == "warm-up: leak: 1 asyncio task still pending"
    assert models["gevent"]["status"] == "ok"  # the hub's own fds and greenlet are not a leak


def start_hanging_run(json_path):
    env = dict(os.environ, FIBERLAB_EXTRA_MODELS="tests.fake_models")
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *GENERATOR_SMALL, "--models", "fake-hang", "--json", str(json_path)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_workers(harness, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = psutil.Process(harness.pid).children(recursive=True)
        if workers:
            return workers
        time.sleep(0.05)
    raise AssertionError("the harness started no worker")


def gone(process):
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_the_harness_kills_every_worker_and_keeps_the_old_result_file(tmp_path, signum):
    path = tmp_path / "out.json"
    path.write_text('{"old": true}\n')
    harness = start_hanging_run(path)
    try:
        workers = wait_for_workers(harness)
        harness.send_signal(signum)
        _stdout, stderr = harness.communicate(timeout=30)
    finally:
        if harness.poll() is None:
            harness.kill()
    assert harness.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert all(gone(worker) for worker in workers), workers
    assert path.read_text() == '{"old": true}\n'
    assert os.listdir(tmp_path) == ["out.json"]  # no .tmp file left behind


def test_a_result_that_fails_midway_through_writing_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.json"
    path.write_text('{"old": true}\n')
    with pytest.raises(TypeError):
        write_json(str(path), {"fine": 1, "then": object()})  # json.dump fails after writing part
    assert path.read_text() == '{"old": true}\n'
    assert os.listdir(tmp_path) == ["out.json"]
    write_json(str(path), {"new": True})
    assert json.loads(path.read_text()) == {"new": True}
    assert os.listdir(tmp_path) == ["out.json"]
