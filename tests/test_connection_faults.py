"""connections under faults: the server drops a fixed set of connections midway, clients are slow.

Every model with a connections file (uvloop too: the asyncio file on its
loop) runs in a subprocess of its own, as in test_connections.py, and must
report exactly the lost set, transcripts and totals the reference computes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import scenarios
from scenarios import connections as scenario  # the module: helpers the model files share
from fiberlab import table
from fiberlab.result import Result
from fiberlab.models import MODELS
from scenarios.common import digest
from scenarios.spec import resolve
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent
SPEC = scenarios.load("connections")
MODEL_IDS = [model.id for model in MODELS.values() if model.has_file("connections")]

CHILD = r"""
import importlib, json, sys
from fiberlab.models import MODELS, load_function
from scenarios.common import digest

class Probe:
    def __init__(self):
        self.records = {}

    def snapshot(self, tasks):
        pass

    def record(self, name, value):
        self.records[name] = value

model = MODELS[sys.argv[1]]
if model.setup:
    load_function(model.setup)()
probe = Probe()
result = importlib.import_module(model.module_name("connections")).run(json.loads(sys.argv[2]), probe)
print(json.dumps({"digest": digest(result), "lost": result["lost"], "totals": result["totals"],
                  "round_trips": probe.records["latency_s"]["count"]}))
"""


def params_for(**overrides):
    return dict(resolve(SPEC, "connections", []), **overrides)


def run(model_id, params):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", CHILD, model_id, json.dumps(params)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


DROPPING = params_for(connections=100, drop=0.1, messages=4, size=512)
SLOW_AND_DROPPING = params_for(connections=6, drop=0.5, messages=3, size=64, delay_ms=5)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_every_model_loses_exactly_the_connections_the_reference_drops(model_id):
    reference = SPEC.reference(DROPPING)
    outcome = run(model_id, DROPPING)
    assert reference["lost"], "drop=0.1 of 100 connections should drop some"
    assert outcome["lost"] == reference["lost"]
    assert outcome["totals"] == reference["totals"]
    assert outcome["digest"] == digest(reference)
    assert outcome["round_trips"] == reference["totals"]["messages"]  # a lost echo has no latency sample


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_slow_clients_that_are_also_dropped_still_match_the_reference(model_id):
    reference = SPEC.reference(SLOW_AND_DROPPING)
    outcome = run(model_id, SLOW_AND_DROPPING)
    assert outcome["digest"] == digest(reference)
    assert 0 < len(outcome["lost"]) < 6


def test_the_dropped_set_is_fixed_by_the_id_and_about_the_fraction_large():
    ids = range(10_000)
    assert sum(scenario.dropped(params_for(drop=0.01), connection) for connection in ids) in range(70, 131)
    assert not any(scenario.dropped(params_for(drop=0.0), connection) for connection in ids)
    assert all(scenario.dropped(params_for(drop=1.0), connection) for connection in ids)
    smaller = {connection for connection in ids if scenario.dropped(params_for(drop=0.01), connection)}
    larger = {connection for connection in ids if scenario.dropped(params_for(drop=0.05), connection)}
    assert smaller < larger  # raising the fraction only adds connections


def test_a_dropped_connection_counts_only_the_echoes_before_the_drop():
    params = params_for(connections=200, drop=0.2, messages=5, size=10)
    reference = SPEC.reference(params)
    lost = [entry for entry in reference["connections"] if entry["lost"]]
    assert [entry["connection"] for entry in lost] == reference["lost"]
    assert all(entry["messages"] == 2 and entry["bytes"] == 20 for entry in lost)
    totals = reference["totals"]
    assert totals["lost"] == len(lost)
    assert totals["messages"] == 5 * 200 - 3 * len(lost) == SPEC.ops(params)
    assert totals["bytes"] == 10 * totals["messages"]


def test_without_faults_no_connection_is_lost():
    reference = SPEC.reference(params_for(connections=50, messages=2))
    assert reference["lost"] == [] and reference["totals"]["lost"] == 0


@pytest.fixture(scope="module")
def dropping_run(tmp_path_factory):
    """One `fiberlab run` with drop=0.2 on two models, for the tests of what the harness makes of it."""
    path = tmp_path_factory.mktemp("faults") / "faults.json"
    proc = run_cli("run", "connections", "--param", "connections=60", "--param", "messages=2",
                   "--param", "drop=0.2", "--repeat", "1", "--models", "greenlet,asyncio", "--json", str(path))
    return proc, json.loads(path.read_text()) if path.exists() else None


def test_the_harness_run_accepts_a_drop_fraction_and_every_model_matches(dropping_run):
    proc, result = dropping_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert result["match"] is True and {entry["status"] for entry in result["models"].values()} == {"ok"}


def test_the_run_prints_and_stores_which_connections_lost_data(dropping_run):
    proc, result = dropping_run
    assert proc.returncode == 0, proc.stderr
    lost = {model: entry["result_summary"]["lost_connections"] for model, entry in result["models"].items()}
    assert lost["greenlet"] == lost["asyncio"] and lost["greenlet"]
    assert f"greenlet: lost_connections = {lost['greenlet']}" in table.render(Result.from_json(result), wide=True)
