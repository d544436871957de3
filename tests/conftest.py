import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness import cli as harness_cli

REPO = Path(__file__).resolve().parent.parent


def run_cli(*args, extra_models=False, timeout=120):
    """Run `python -m harness ARGS` in a subprocess; return the CompletedProcess."""
    env = dict(os.environ)
    if extra_models:
        env["FIBERLAB_EXTRA_MODELS"] = "tests.fake_models"
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def harness(capsys, monkeypatch):
    """Call the CLI in this process: harness("run", ...) -> a CompletedProcess (returncode,
    stdout, stderr) of harness.cli.main, as `python -m harness` would exit and print.
    For what a process is not the point of; run_cli keeps the real `python -m harness` path."""

    def call(*args, extra_models=False):
        if extra_models:
            monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
        capsys.readouterr()  # what came before is not this call's
        code = harness_cli.main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["python", "-m", "harness", *args], code, out, err)

    return call
