"""docs/design.md's "Adding a model", followed to the letter: a runtime built only from the
contract (tests/tiny_runtime.py: plain generators), a Model entry naming it
(tests/tiny_model.py, registered through $FIBERLAB_EXTRA_MODELS), one file per
scenario (tests/tiny_pingpong.py); the CLI runs it and checks it against the reference."""

import json
import os
import subprocess
import sys

from runtime.contract import Runtime
from scenarios import pingpong
from scenarios.common import digest
from tests.conftest import REPO
from tests.tiny_runtime import RUNTIME


def test_the_tiny_runtime_is_a_runtime_of_the_contract():
    assert isinstance(RUNTIME, Runtime)


def test_a_model_added_as_the_readme_says_runs_a_scenario_through_the_cli(tmp_path):
    path = tmp_path / "out.json"
    env = dict(os.environ, FIBERLAB_EXTRA_MODELS="tests.tiny_model")
    done = subprocess.run([sys.executable, "-m", "fiberlab", "run", "pingpong", "--param", "rounds=50",
                           "--param", "pairs=3", "--models", "tiny", "--repeat", "1", "--trace", "--json", str(path)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    tiny = json.loads(path.read_text())["models"]["tiny"]
    assert tiny["status"] == "ok" and tiny["mechanism"] == "generator park and ready"
    assert tiny["digest"] == digest(pingpong.reference({"rounds": 50, "pairs": 3}))
    assert "[tiny] loop -> ping-0" in done.stdout.splitlines()  # --trace through the contract's instrument hook
