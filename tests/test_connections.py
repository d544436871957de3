"""connections: every model echoes every byte, the probe sees every handler parked, nothing leaks.

Each model of the registry (fiberlab/models.py) that has a connections file runs in a worker
of its own, as `fiberlab run` runs it (gevent's hub and asyncio's loop never share a process,
and the worker's hygiene check fails a run that leaves an fd, a thread or a task behind).
"""

import json
from functools import lru_cache

import pytest

import scenarios
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker
from scenarios import connections as scenario  # the module: helpers the model files share
from scenarios.common import digest
from scenarios.spec import resolve

SPEC = scenarios.load("connections")
# Every Python model; the native ones have no connections file (test_native.py checks theirs).
MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("connections")]


def params_for(**overrides):
    return dict(resolve(SPEC, "connections", []), **overrides)


@lru_cache(maxsize=None)
def run_model(model, params_json):
    job = {"scenario": "connections", "model": model, "params": json.loads(params_json), "pass": "check"}
    outcome = run_worker(job, timeout=120)
    assert outcome.status == "ok", outcome.error  # a leak (fd, thread, task) is an error too
    return outcome


def run(model, params):
    return run_model(model, json.dumps(params, sort_keys=True))


MANY = params_for(connections=200, messages=3, size=512)
ONE_BYTE_READS = params_for(connections=10, messages=2, size=64, server_chunk=1)
SPLIT = params_for(connections=100, messages=2, size=128, split=True)


@pytest.mark.parametrize("model", MODEL_IDS)
def test_every_model_echoes_exactly_what_the_reference_expects(model):
    outcome = run(model, MANY)
    assert outcome.digest == digest(SPEC.reference(MANY))
    assert SPEC.reference(MANY)["totals"] == {"connections": 200, "messages": 600, "bytes": 600 * 512, "lost": 0}
    assert outcome.result_summary is None  # no connection lost


@pytest.mark.parametrize("model", MODEL_IDS)
def test_a_server_reading_one_byte_at_a_time_still_echoes_every_byte(model):
    assert run(model, ONE_BYTE_READS).digest == digest(SPEC.reference(ONE_BYTE_READS))


@pytest.mark.parametrize("model", MODEL_IDS)
def test_a_run_leaves_no_file_descriptor_open(model):
    outcome = run(model, MANY)  # run_model asserts status ok: the worker's hygiene check found no leak
    assert outcome.status == "ok" and outcome.error is None


@pytest.mark.parametrize("model", MODEL_IDS)
def test_the_probe_looks_once_at_every_server_handler_parked(model):
    stack = run(model, MANY).stack  # the probe's picture: every unit it was given, described
    assert stack.tasks == 200  # the handlers, one per connection: not the clients, not the acceptor
    assert stack.frames_per_task >= 1  # each suspended inside its read


@pytest.mark.parametrize("model", MODEL_IDS)
def test_latencies_and_connect_time_are_recorded_beside_the_result(model):
    records = run(model, MANY).records
    assert records["latency_s"]["count"] == 200 * 3
    assert 0 < records["latency_s"]["min"] <= records["latency_s"]["p50"] <= records["latency_s"]["max"]
    assert records["connect_latency_s"]["count"] == 200
    assert records["connect_s"] > 0


@pytest.mark.parametrize("model", MODEL_IDS)
def test_clients_split_into_a_child_process_give_the_same_result(model):
    outcome = run(model, SPLIT)
    assert outcome.digest == digest(SPEC.reference(SPLIT))
    assert outcome.stack.tasks == 100
    assert outcome.records["latency_s"]["count"] == 100 * 2


# What each model's own process runs its units on: the loop, for the models that drive one.
SCHEDULERS = {"asyncio": "asyncio.unix_events._UnixSelectorEventLoop", "uvloop": "uvloop.Loop",
              "gevent": "gevent.libev.corecext.loop", "greenlet": "fibers.scheduler.Scheduler",
              "coroutines": "coroutines.bare.Scheduler", "threads": "os_threads.kernel.Threads"}


@pytest.mark.parametrize("model", MODEL_IDS)
def test_split_modes_child_runs_the_same_runtime_loop_and_gc_as_the_parent(model):
    """The result says per side what ran it; split, the two sides are two processes
    that differ in nothing else (uvloop's clients on uvloop, not asyncio's loop)."""
    sides = run(model, SPLIT).records["sides"]
    server, clients = dict(sides["server"]), dict(sides["clients"])
    assert server.pop("pid") != clients.pop("pid")  # the clients did run in a process of their own
    assert server == clients
    assert server["scheduler"] == SCHEDULERS[model]


def test_split_modes_child_runs_with_the_garbage_collector_off_when_the_parent_does():
    job = {"scenario": "connections", "model": "uvloop", "params": SPLIT, "pass": "check", "gc": "off"}
    outcome = run_worker(job, timeout=120)
    assert outcome.status == "ok", outcome.error
    sides = outcome.records["sides"]
    assert sides["server"]["gc"] is False and sides["clients"]["gc"] is False
    assert sides["clients"]["scheduler"] == "uvloop.Loop"


@pytest.mark.parametrize("model", MODEL_IDS)
def test_unsplit_both_sides_are_this_process_on_the_models_own_loop(model):
    sides = run(model, MANY).records["sides"]
    assert sides["server"] == sides["clients"] and sides["server"]["scheduler"] == SCHEDULERS[model]


@pytest.mark.slow
@pytest.mark.parametrize("model", MODEL_IDS)
def test_ten_thousand_connections_are_open_at_once_when_the_clients_are_split(model):
    at_limit = params_for(connections=10_000, messages=1, size=64, split=True)
    refusal = MODELS[model].refusal("connections", at_limit)
    if refusal is not None:  # a model with a limit of its own (threads alive) says so before any run
        assert "beyond its limit" in refusal and "\n" not in refusal
        return
    outcome = run(model, at_limit)
    assert outcome.digest == digest(SPEC.reference(at_limit))
    assert outcome.stack.tasks == 10_000


def test_messages_differ_for_every_connection_and_index():
    messages = {scenario.message(connection, index, 100) for connection in range(30) for index in range(30)}
    assert len(messages) == 900
    assert all(len(message) == 100 for message in messages)


def test_the_reference_sorts_by_connection_and_counts_every_byte():
    reference = SPEC.reference(params_for(connections=3, messages=2, size=10))
    assert [entry["connection"] for entry in reference["connections"]] == [0, 1, 2]
    assert reference["totals"] == {"connections": 3, "messages": 6, "bytes": 60, "lost": 0}


def test_the_split_params_help_names_where_one_process_stops_fitting_under_a_20000_fd_limit():
    # The help says "needed above ~9,900 connections": the knee under a soft limit of 20,000, a common
    # one. A property of the text, not of this machine: the harness reads the limit (fiberlab/fd_budget.py),
    # and test_fd_budget.py and test_sweep.py check its decisions at a limit they set.
    assert "~9,900" in SPEC.param("split").help
    fd_limit = 20_000
    assert SPEC.fds_needed(params_for(connections=9_900)) <= fd_limit
    assert SPEC.fds_needed(params_for(connections=10_000)) > fd_limit
    assert SPEC.fds_needed(params_for(connections=10_000, split=True)) <= fd_limit


def test_connect_waves_cover_every_connection_once_within_half_the_backlog():
    for connections in (1, 7, 512, 10_000):
        waves = scenario.connect_waves(connections)
        assert [i for first, end in waves for i in range(first, end)] == list(range(connections))
        assert all(end - first <= max(1, scenario.listen_backlog(connections) // 2) for first, end in waves)


def test_an_echo_that_differs_by_one_byte_is_refused():
    transcript = scenario.Transcript(0)
    with pytest.raises(scenario.EchoMismatch):
        transcript.check(0, b"abc", b"abd")


def test_a_run_that_would_exceed_the_fd_limit_is_refused_before_it_starts(monkeypatch):
    monkeypatch.setattr(scenario.resource, "getrlimit", lambda _which: (20_000, 20_000))
    with pytest.raises(OSError, match="split=true"):
        scenario.require_fds(params_for(connections=10_000))
    scenario.require_fds(params_for(connections=10_000, split=True))
