"""http: every model answers every request as the reference does, with h11 on every side.

Each model runs in a worker of its own, as `fiberlab run` runs it (the worker's hygiene
check fails a run that leaves an fd, a thread or a task behind). A model whose response
bodies are one byte short, framed to match, must come out as a mismatch.
"""

import json
from functools import lru_cache

import pytest

import scenarios
from fiberlab import fd_budget
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker
from scenarios import http as scenario
from scenarios.common import digest
from scenarios.http.server_side import Server

SPEC = scenarios.load("http")
MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("http")]
SMALL = {param.name: param.default for param in SPEC.PARAMS} | SPEC.SMALL
SPLIT = SMALL | {"split": True}
# What each model's own process runs its units on: the loop, for the models that drive one.
SCHEDULERS = {"asyncio": "asyncio.unix_events._UnixSelectorEventLoop", "uvloop": "uvloop.Loop",
              "gevent": "gevent.libev.corecext.loop", "greenlet": "fibers.scheduler.Scheduler",
              "coroutines": "coroutines.bare.Scheduler", "threads": "os_threads.kernel.Threads"}


@lru_cache(maxsize=None)
def run_model(model, params_json):
    job = {"scenario": "http", "model": model, "params": json.loads(params_json), "pass": "check"}
    return run_worker(job, timeout=120)


def run(model, params):
    return run_model(model, json.dumps(params, sort_keys=True))


@pytest.mark.parametrize("model", MODEL_IDS)
def test_every_model_answers_every_request_as_the_reference_does(model):
    outcome = run(model, SMALL)
    assert outcome.status == "ok", outcome.error  # a leak (fd, thread, task) is an error too
    assert outcome.digest == digest(SPEC.reference(SMALL))


@pytest.mark.parametrize("model", MODEL_IDS)
def test_requests_per_second_and_latency_are_recorded_beside_the_result(model):
    records = run(model, SMALL).records
    requests = SMALL["connections"] * SMALL["requests"]
    assert records["latency_s"]["count"] == requests
    assert 0 < records["latency_s"]["p50"] <= records["latency_s"]["p99"] <= records["latency_s"]["max"]
    assert records["requests_per_s"] == pytest.approx(requests / records["traffic_s"])


@pytest.mark.parametrize("model", MODEL_IDS)
def test_the_probe_looks_at_every_server_handler_parked(model):
    assert run(model, SMALL).stack.tasks == SMALL["connections"]


@pytest.mark.parametrize("model", MODEL_IDS)
def test_clients_split_into_a_child_process_give_the_same_result_and_their_timings(model):
    outcome = run(model, SPLIT)
    assert outcome.status == "ok", outcome.error
    assert outcome.digest == digest(SPEC.reference(SPLIT))
    assert outcome.stack.tasks == SPLIT["connections"]  # the probe saw every handler, in this process
    assert outcome.records["latency_s"]["count"] == SPLIT["connections"] * SPLIT["requests"]
    assert outcome.records["requests_per_s"] > 0


@pytest.mark.parametrize("model", MODEL_IDS)
def test_split_modes_child_runs_the_same_runtime_and_loop_as_the_parent(model):
    sides = run(model, SPLIT).records["sides"]
    server, clients = dict(sides["server"]), dict(sides["clients"])
    assert server.pop("pid") != clients.pop("pid")  # the clients did run in a process of their own
    assert server == clients and server["scheduler"] == SCHEDULERS[model]


@pytest.mark.parametrize("model", MODEL_IDS)
def test_unsplit_both_sides_are_this_process(model):
    sides = run(model, SMALL).records["sides"]
    assert sides["server"] == sides["clients"] and sides["server"]["scheduler"] == SCHEDULERS[model]


def test_above_what_one_process_holds_the_harness_chooses_split_and_refuses_beyond_split():
    limit = fd_budget.fd_limit()
    one_process = (limit - scenario.FD_MARGIN) // 2
    fits, note = fd_budget.fit(SPEC, dict(SMALL, connections=one_process), split_given=False)
    assert not fits["split"] and note is None
    fits, note = fd_budget.fit(SPEC, dict(SMALL, connections=one_process + 1), split_given=False)
    assert fits["split"] and "split=true chosen" in note
    with pytest.raises(fd_budget.DoesNotFit):
        fd_budget.fit(SPEC, dict(SMALL, connections=one_process + 1), split_given=True)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["gevent", "asyncio"])
def test_ten_thousand_connections_run_split_and_match_the_reference(model):
    params, _note = fd_budget.fit(SPEC, dict(SMALL, connections=10_000, requests=1), split_given=False)
    assert params["split"] == (fd_budget.fd_limit() < scenario.fds_needed(dict(params, split=False)))
    outcome = run(model, params)
    assert outcome.status == "ok", outcome.error
    assert outcome.digest == digest(SPEC.reference(params))


def test_a_model_whose_bodies_are_one_byte_short_is_a_mismatch(monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
    outcome = run_worker({"scenario": "http", "model": "fake-http-short", "params": SMALL,
                          "pass": "check"}, timeout=120)
    assert outcome.status == "ok", outcome.error  # framed to match: h11 parses it without complaint
    assert outcome.digest != digest(SPEC.reference(SMALL))


def test_the_mix_holds_both_kinds_and_bodies_from_a_few_bytes_to_tens_of_kilobytes():
    asked = [scenario.request_of(connection, index) for connection in range(50) for index in range(20)]
    methods = {method for method, _, _ in asked}
    sizes = [len(scenario.respond(*request)[1]) for request in asked]
    assert methods == {"GET", "POST"}
    assert min(sizes) < 16 and max(sizes) > 20_000


def test_the_reference_counts_every_response():
    assert SPEC.reference(SMALL)["totals"]["responses"] == SMALL["connections"] * SMALL["requests"]


@pytest.mark.parametrize("data, status", [
    (b"garbage\r\n\r\n", b"400"),
    (b"GET / HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 20_000, b"431"),
    (b"GET /item/1 HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 20_000 + b"\r\n\r\n", b"431"),  # whole, one read
])
def test_garbage_and_an_oversized_head_get_a_4xx_and_the_connection_ends(data, status):
    server = Server()
    answer = server.answer(data)
    assert answer.split(b" ")[1] == status and b"connection: close" in answer.lower()
    assert not server.open


def test_a_request_split_anywhere_gets_the_same_answer_as_a_whole_one():
    request = b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 5\r\n\r\nhello"
    whole = Server().answer(request)
    for cut in range(1, len(request)):
        server = Server()
        assert server.answer(request[:cut]) + server.answer(request[cut:]) == whole
    assert whole.endswith(b"\r\n\r\nhello")
