"""A model that fails in any way is that model's failure; the harness itself
leaves no worker behind when it is stopped, and no broken result file."""

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from fiberlab.options import write_json
from tests.conftest import REPO
from tests.processes import STOP_SIGNALS, all_gone_within, stop, wait_for_workers

GENERATOR_SMALL = ["run", "generator", "--param", "items=50", "--repeat", "1"]


def test_a_model_that_runs_out_of_memory_is_reported_while_the_others_complete(tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness(*GENERATOR_SMALL, "--memory-limit", "300", "--models", "fake-oom,greenlet",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stderr
    models = json.loads(path.read_text())["models"]
    assert models["fake-oom"]["status"] == "error"
    assert "out of memory" in models["fake-oom"]["error"] and "MemoryError" in models["fake-oom"]["error"]
    assert "\n" not in models["fake-oom"]["error"]
    assert models["greenlet"]["status"] == "ok"


def test_a_model_that_leaks_is_reported_as_that_models_error(tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness(*GENERATOR_SMALL, "--models", "fake-leak,fake-leak-gevent,fake-leak-asyncio,gevent",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stderr
    models = json.loads(path.read_text())["models"]
    assert {model["status"] for model_id, model in models.items() if model_id != "gevent"} == {"error"}
    assert models["fake-leak"]["error"] == "check: leak: 2 fds left open, 1 greenlet still suspended"
    assert models["fake-leak-gevent"]["error"] == "check: leak: 1 greenlet still suspended"
    assert models["fake-leak-asyncio"]["error"] == "check: leak: 1 asyncio task still pending"
    assert models["gevent"]["status"] == "ok"  # the hub's own fds and greenlet are not a leak


def start_hanging_run(json_path, tmpdir):
    env = dict(os.environ, FIBERLAB_EXTRA_MODELS="tests.fake_models", TMPDIR=str(tmpdir))
    return subprocess.Popen(
        [sys.executable, "-m", "fiberlab", *GENERATOR_SMALL, "--models", "fake-hang", "--json", str(json_path)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )



@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=[sig.name for sig in STOP_SIGNALS])
def test_stopping_the_harness_kills_every_worker_and_keeps_the_old_result_file(tmp_path, signum):
    path = tmp_path / "out.json"
    path.write_text('{"old": true}\n')
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    harness = start_hanging_run(path, tmpdir)
    stopped = stop(harness, signum)
    assert harness.returncode == 128 + signum, stopped.stderr
    assert f"interrupted by {signum.name}" in stopped.stderr and "Traceback" not in stopped.stderr
    assert stopped.workers_gone, stopped.workers
    assert path.read_text() == '{"old": true}\n'
    assert sorted(os.listdir(tmp_path)) == ["out.json", "tmp"]  # no .tmp file left behind
    assert os.listdir(tmpdir) == []  # no temporary file or folder of the harness's left behind


def test_a_stop_that_comes_while_the_worker_is_being_started_still_kills_it(tmp_path):
    """The old flaky case: the signal landed between fork and the harness knowing its worker."""
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    harness = start_hanging_run(tmp_path / "out.json", tmpdir)
    stopped = stop(harness, signal.SIGTERM, started=False)  # at the first child, maybe not yet exec'd
    assert harness.returncode == 128 + signal.SIGTERM, stopped.stderr
    assert stopped.workers_gone, stopped.workers
    assert os.listdir(tmpdir) == []


def test_a_sigkilled_harness_takes_its_workers_with_it(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    harness = start_hanging_run(tmp_path / "out.json", tmpdir)
    workers = []
    try:
        workers = wait_for_workers(harness)
        harness.kill()  # SIGKILL: no handler runs; the kernel's parent-death signal must do it
        harness.wait(timeout=10)
    finally:
        if harness.poll() is None:
            harness.kill()
    assert all_gone_within(workers, 5), workers
    assert os.listdir(tmpdir) == []  # the outcome file is unlinked from the start


def test_start_kills_a_worker_whose_stop_came_during_the_fork(monkeypatch):
    """In-process: the signal arrives inside Popen, before the worker is registered."""
    from fiberlab import stopping

    monkeypatch.setattr(stopping, "_stopped_by", [])
    real_popen = subprocess.Popen
    started = []

    def popen_then_signal(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc)
        stopping._on_signal(signal.SIGTERM, None)  # as if SIGTERM came now: held, not raised
        return proc

    monkeypatch.setattr(stopping.subprocess, "Popen", popen_then_signal)
    with pytest.raises(stopping.Stopped) as stopped:
        stopping.start([sys.executable, "-c", "import time; time.sleep(60)"])
    assert stopped.value.exit_status == 128 + signal.SIGTERM
    assert started[0].returncode == -signal.SIGKILL
    assert started[0] not in stopping._workers


def test_the_main_thread_is_stopped_once_however_many_times_the_handler_runs(monkeypatch):
    """Raising a second Stopped would cut the first one's clean-up short: the handler raises
    only if nothing has raised in the main thread yet, check() included (the watcher may
    have killed the worker, so check() raised, before the main thread ran the handler)."""
    from fiberlab import stopping

    for name in ("_stopped_by", "_raised"):
        monkeypatch.setattr(stopping, name, [])
    with pytest.raises(stopping.Stopped):
        stopping._on_signal(signal.SIGTERM, None)
    stopping._on_signal(signal.SIGINT, None)  # a second signal: kills again, raises nothing
    assert stopping._stopped_by == [signal.SIGTERM]

    for name in ("_stopped_by", "_raised"):
        monkeypatch.setattr(stopping, name, [])
    stopping._stop(signal.SIGTERM)  # the watcher, first
    with pytest.raises(stopping.Stopped) as stopped:
        stopping.check()
    assert stopped.value.signum == signal.SIGTERM
    stopping._on_signal(signal.SIGTERM, None)  # the main thread's handler, late: raises nothing


def test_a_stop_the_sleeping_main_thread_misses_still_kills_the_worker_it_waits_for(monkeypatch):
    """The flaky case's cause, forced: SIGTERM lands in another thread than the main one,
    which sleeps on a lock waiting for a pool thread's worker. Python runs the handler only
    in the main thread and only once it wakes, as when the signal comes just before it goes
    to sleep; the worker must die anyway, so the main thread wakes and raises."""
    from fiberlab import stopping

    for name in ("_stopped_by", "_raised"):
        monkeypatch.setattr(stopping, name, [])
    started, procs, outcome = threading.Event(), [], []

    def pool_thread():  # as run_worker does it in a pool thread
        proc = stopping.start([sys.executable, "-c", "import time; time.sleep(60)"])
        procs.append(proc)
        started.set()
        try:
            proc.communicate(timeout=30)
        finally:
            stopping.forget(proc)
        try:
            stopping.check()
        except stopping.Stopped as exc:
            outcome.append(exc)

    previous = stopping.install()
    pool = threading.Thread(target=pool_thread)
    caught, ended = [], None
    try:
        pool.start()
        assert started.wait(10)
        signal.pthread_kill(pool.ident, signal.SIGTERM)  # not to the main thread: nothing wakes it
        begun = time.monotonic()
        try:
            pool.join(10)  # the main thread asleep on a lock until the pool thread ends
        except stopping.Stopped as exc:  # the handler, run once the main thread woke
            caught.append(exc)
        ended = time.monotonic() - begun
    finally:
        for proc in procs:  # on a failure, leave nothing running
            stopping.kill_group(proc)
        pool.join(10)
        stopping.restore(previous)
    assert ended < 5, f"the worker outlived the stop by {ended:.1f} s"
    assert procs[0].returncode == -signal.SIGKILL
    assert [exc.signum for exc in outcome + caught] == [signal.SIGTERM, signal.SIGTERM]
    assert not stopping._workers


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


def test_a_memory_slope_run_beyond_the_memory_limit_costs_the_slope_not_the_model(tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness("run", "pingpong", "--param", "pairs=1", "--param", "rounds=20", "--repeat", "1",
                   "--memory-limit", "150", "--models", "fake-hungry", "--json", str(path), extra_models=True)
    assert proc.returncode == 0, proc.stderr
    entry = json.loads(path.read_text())["models"]["fake-hungry"]
    assert entry["status"] == "ok"
    assert entry["memory"]["bytes_per_task"] is None
    assert any(note.startswith("memory slope not measured: memory slope 2:") and "out of memory" in note
               for note in entry["notes"]), entry["notes"]
    assert "memory slope not measured" in proc.stdout


OUT_OF_MEMORY = "out of memory (address-space limit 300 MiB): "


@pytest.mark.parametrize("model_id, how", [
    ("fake-oom", "MemoryError"),
    ("fake-oom-exit", "MemoryError before the worker wrote its result"),
    ("fake-oom-threads", "RuntimeError: can't start new thread"),
    ("fake-crash", "worker killed by SIGSEGV, most likely where an allocation failed that could not raise MemoryError"),
])
def test_running_out_under_a_memory_limit_reads_as_one_line_whatever_showed_it(model_id, how, tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness(*GENERATOR_SMALL, "--memory-limit", "300", "--models", f"{model_id},greenlet",
                   "--json", str(path), extra_models=True)
    assert proc.returncode == 1, proc.stderr
    models = json.loads(path.read_text())["models"]
    assert models[model_id]["error"] == "check: " + OUT_OF_MEMORY + how
    assert models["greenlet"]["status"] == "ok"
