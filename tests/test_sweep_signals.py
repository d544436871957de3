"""`make sweep` (fiberlab.lab.standard_sweeps) stops on every stop signal: workers killed, no temporary
file, no traceback, exit 128 + N; and it refuses an --out that is a file."""

import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.processes import STOP_SIGNALS, all_gone_within, stop, wait_for_workers


def sweep_env(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    return dict(os.environ, FIBERLAB_EXTRA_MODELS="tests.fake_models", TMPDIR=str(tmpdir)), tmpdir


@pytest.mark.parametrize("signum", STOP_SIGNALS, ids=[sig.name for sig in STOP_SIGNALS])
def test_a_stopped_lab_sweep_kills_its_workers_and_exits_128_plus_n(tmp_path, signum):
    env, tmpdir = sweep_env(tmp_path)
    sweep = subprocess.Popen([sys.executable, "-m", "fiberlab.lab.standard_sweeps", "--tiny", "--only", "generator",
                              "--models", "fake-hang", "--out", str(tmp_path / "results")],
                             cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = stop(sweep, signum)
    assert sweep.returncode == 128 + signum, stopped.stderr
    assert f"interrupted by {signum.name}" in stopped.stderr and "Traceback" not in stopped.stderr
    assert stopped.workers_gone, stopped.workers
    assert os.listdir(tmpdir) == []
    assert os.listdir(tmp_path / "results") == []


def test_a_signal_to_make_sweep_stops_the_sweep_and_its_workers(tmp_path):
    env, tmpdir = sweep_env(tmp_path)
    make = subprocess.Popen(["make", "-s", "sweep", "SWEEPS=generator",
                             f"ARGS=--tiny --models fake-hang --out {tmp_path / 'results'}"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers = []
    try:
        workers = wait_for_workers(make)
        make.send_signal(signal.SIGTERM)  # make alone: it passes no signal on
        make.communicate(timeout=30)
        assert all_gone_within(workers, 5), workers
    finally:
        if make.poll() is None:
            make.kill()
    assert os.listdir(tmpdir) == []


def test_lab_sweeps_refuses_an_out_that_is_a_file_in_one_line(tmp_path):
    taken = tmp_path / "results"
    taken.write_text("mine\n")
    done = subprocess.run([sys.executable, "-m", "fiberlab.lab.standard_sweeps", "--tiny", "--only", "generator",
                           "--out", str(taken)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "is a file, not a folder" in done.stderr
    assert taken.read_text() == "mine\n"


@pytest.mark.parametrize("only", ["", " , "])
def test_lab_sweeps_refuses_an_empty_only_instead_of_running_every_sweep(tmp_path, only):
    proc = subprocess.run([sys.executable, "-m", "fiberlab.lab.standard_sweeps", "--only", only, "--tiny",
                           "--out", str(tmp_path / "results")], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "standard_sweeps: --only needs at least one sweep name"]


def test_lab_sweeps_refuses_an_out_it_cannot_write_in_before_running_anything(tmp_path):
    out = tmp_path / "results"
    out.mkdir()
    out.chmod(0o555)
    env = dict(os.environ)
    if os.geteuid() == 0:  # root writes in any folder of its own; /proc refuses even root
        out = "/proc/self"
    proc = subprocess.run([sys.executable, "-m", "fiberlab.lab.standard_sweeps", "--only", "generator", "--tiny",
                           "--out", str(out)], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "cannot write in it" in proc.stderr and "Traceback" not in proc.stderr
