import os
import subprocess
import sys
from pathlib import Path

import pytest

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
