import itertools
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import scenarios
from fiberlab import cli as harness_cli
from fiberlab import native
from fiberlab.models import all_models

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args, extra_models=False, timeout=120):
    """Run `python -m fiberlab ARGS` in a subprocess; return the CompletedProcess."""
    env = dict(os.environ)
    if extra_models:
        env["FIBERLAB_EXTRA_MODELS"] = "tests.fake_models"
    return subprocess.run(
        [sys.executable, "-m", "fiberlab", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def harness(capsys, monkeypatch):
    """Call the CLI in this process: harness("run", ...) -> a CompletedProcess (returncode,
    stdout, stderr) of fiberlab.cli.main, as `python -m fiberlab` would exit and print.
    For what a process is not the point of; run_cli keeps the real `python -m fiberlab` path."""

    def call(*args, extra_models=False):
        if extra_models:
            monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
        capsys.readouterr()  # what came before is not this call's
        code = harness_cli.main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["python", "-m", "fiberlab", *args], code, out, err)

    return call


@pytest.fixture
def harness_json(harness, tmp_path):
    """harness(*args, "--json", PATH) with PATH a fresh file under tmp_path: (the CompletedProcess,
    the JSON the run wrote there, or None where it wrote none)."""
    numbers = itertools.count(1)

    def call(*args, extra_models=False):
        path = tmp_path / f"out-{next(numbers)}.json"
        proc = harness(*args, "--json", str(path), extra_models=extra_models)
        return proc, json.loads(path.read_text()) if path.exists() else None

    return call


@pytest.fixture(scope="session")
def native_binaries():
    """The native binaries the tests run, built before the first test that runs one: two at a
    time (fiberlab/native.py locks per binary), so a fresh clone's nine compiles take about half
    the wall time they take one by one on demand. None without a compiler."""
    if native.unavailable() is not None:
        return None
    # What the tests run (tests/test_native.py CASES): each floor everywhere, swapcontext on pingpong alone.
    pairs = [(model, name) for model in all_models().values() if model.native
             for name in scenarios.names() if model.has_file(name) and (model.floor or name == "pingpong")]
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        return dict(zip([(model.id, name) for model, name in pairs],
                        pool.map(lambda pair: native.binary(*pair), pairs)))
