"""Building the C++ models safely: a stop kills the compiler, a dead harness takes it along,
a damaged binary is rebuilt instead of run, and a checkout that cannot be written, an
unreadable $CXX or a compiler that prints bytes leave the native models out in one line."""

import os
import signal
import stat
import subprocess
import sys
import time

import psutil
import pytest

from fiberlab import native
from fiberlab.models import MODELS
from tests.conftest import REPO


def stand_in_compiler(tmp_path, build_seconds=0.0, banner="g++ 12"):
    """A compiler that answers the version checks and 'builds' by writing its -o file."""
    log = tmp_path / "compiles.log"
    script = tmp_path / "stand-in-c++"
    script.write_text("#!/bin/sh\n"
                      f'case "$1" in --version) printf "{banner}\\n";; -dumpversion) echo 12;; *)\n'
                      f"  echo $$ >> {log}; sleep {build_seconds}\n"
                      '  while [ "$1" != -o ]; do shift; done; echo binary > "$2"; chmod +x "$2";; esac\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


@pytest.fixture
def private_build(tmp_path, monkeypatch):
    """native.binary() building into tmp_path with a stand-in compiler; returns (compiler, log, build dir)."""
    compiler, log = stand_in_compiler(tmp_path)
    monkeypatch.setenv("CXX", str(compiler))
    monkeypatch.setattr(native, "BUILD", tmp_path / "build")
    monkeypatch.setattr(native, "CACHE", tmp_path / "cache")
    native._unavailable.clear()
    return compiler, log, tmp_path / "build"


def compiles(log):
    return len(log.read_text().splitlines()) if log.exists() else 0


@pytest.mark.parametrize("damage", ["truncated", "emptied", "not executable"])
def test_a_damaged_binary_is_rebuilt_not_run(damage, private_build):
    _, log, _ = private_build
    target = native.binary(MODELS["cpp_fibers"], "generator")
    assert compiles(log) == 1 and native.binary(MODELS["cpp_fibers"], "generator") == target and compiles(log) == 1
    if damage == "truncated":
        target.write_bytes(target.read_bytes()[:3])
    elif damage == "emptied":
        target.write_bytes(b"")
    else:
        target.chmod(0o644)
    assert native.needs_build(MODELS["cpp_fibers"], "generator")
    native.binary(MODELS["cpp_fibers"], "generator")
    assert compiles(log) == 2 and os.access(target, os.X_OK) and target.read_text() == "binary\n"


def test_a_partial_binary_whose_builder_died_is_removed_by_the_next_build(private_build):
    _, _, build = private_build
    build.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    partial = build / f".generator-cpp_fibers.{dead.pid}"
    partial.write_text("half a binary")
    native.binary(MODELS["cpp_fibers"], "generator")
    assert not partial.exists()


def test_a_read_only_checkout_builds_in_the_user_cache(private_build, tmp_path, monkeypatch):
    monkeypatch.setattr(native, "BUILD", tmp_path / "read-only" / "build")
    (tmp_path / "read-only").mkdir(mode=0o555)
    if os.access(tmp_path / "read-only", os.W_OK):  # root ignores permissions: make the path a file instead
        monkeypatch.setattr(native, "BUILD", tmp_path / "a-file" / "build")
        (tmp_path / "a-file").write_text("")
    assert native.unavailable() is None
    assert native.binary(MODELS["cpp_fibers"], "generator").parent == tmp_path / "cache"


def test_with_no_folder_to_build_in_the_native_models_are_left_out_in_one_line(private_build, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("")
    monkeypatch.setattr(native, "BUILD", tmp_path / "a-file" / "build")
    monkeypatch.setattr(native, "CACHE", tmp_path / "a-file" / "cache")
    reason = native.unavailable()
    assert reason.startswith("no folder to build C++ models in") and "\n" not in reason


@pytest.mark.parametrize("cxx,expected", [("g++ -DX'", "cannot be read as a command"), ("bytes", None)])
def test_an_unreadable_cxx_or_a_compiler_printing_bytes_is_no_traceback(cxx, expected, tmp_path, monkeypatch):
    native._unavailable.clear()
    if cxx == "bytes":
        compiler, _ = stand_in_compiler(tmp_path, banner="g\\377\\376++ 12")
        cxx = str(compiler)
    monkeypatch.setenv("CXX", cxx)
    reason = native.unavailable()
    assert (reason is None) if expected is None else (expected in reason and "\n" not in reason)


def children_named(name):
    return [p for p in psutil.process_iter(["cmdline"]) if any(name in part for part in (p.info["cmdline"] or []))]


def start_run_that_compiles(tmp_path, build_seconds):
    compiler, log = stand_in_compiler(tmp_path, build_seconds=build_seconds)
    env = dict(os.environ, CXX=str(compiler), XDG_CACHE_HOME=str(tmp_path / "cache"))
    # The stamp names the compiler, so a compiler never seen before forces a build.
    harness = subprocess.Popen([sys.executable, "-m", "fiberlab", "run", "generator", "--models", "cpp_fibers",
                                "--fast"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.exists(), "the compiler never started"
    return harness, compiler


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGKILL])
def test_a_stopped_harness_leaves_no_compiler_running(signum, tmp_path):
    harness, compiler = start_run_that_compiles(tmp_path, build_seconds=300)
    started = time.monotonic()
    harness.send_signal(signum)
    harness.wait(timeout=10)
    assert time.monotonic() - started < 5
    if signum == signal.SIGINT:
        assert harness.returncode == 130
    deadline = time.monotonic() + 5
    while children_named(str(compiler)) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = children_named(str(compiler))
    for process in survivors:
        process.kill()
    assert survivors == []


def test_a_killed_harness_leaves_no_compiler_version_check_running(tmp_path):
    """The version check runs the compiler too: one that hangs there dies with the harness."""
    log = tmp_path / "checks.log"
    compiler = tmp_path / "hanging-c++"
    compiler.write_text("#!/bin/sh\n"
                        'case "$1" in --version) echo "g++ 12";; *)\n'
                        f"  echo $$ >> {log}; exec sleep 300;; esac\n")
    compiler.chmod(compiler.stat().st_mode | stat.S_IEXEC)
    env = dict(os.environ, CXX=str(compiler), XDG_CACHE_HOME=str(tmp_path / "cache"))
    harness = subprocess.Popen([sys.executable, "-m", "fiberlab", "run", "generator", "--models", "cpp_fibers",
                                "--fast"], cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.exists(), "the version check never started"
    harness.kill()
    harness.wait(timeout=10)
    try:
        psutil.Process(int(log.read_text().split()[0])).wait(timeout=5)
    except psutil.NoSuchProcess:
        pass  # gone already
    except psutil.TimeoutExpired:
        hung = psutil.Process(int(log.read_text().split()[0]))
        hung.kill()
        pytest.fail("the compiler's version check outlived the harness")
