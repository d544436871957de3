"""connections' Rendezvous in each of its three roles, in-process: both sides here,
split mode's parent (the server), split mode's child (the clients)."""

import threading

import pytest

from scenarios import connections as spec
from scenarios.connections import rendezvous as rendezvous_module
from scenarios.connections import split
from scenarios.connections.barrier import Barrier

PARAMS = {"connections": 5, "messages": 2, "size": 16, "server_chunk": 0, "split": False, "drop": 0.0,
          "delay_ms": 0}


class Recorder:
    def __init__(self):
        self.recorded = {}

    def record(self, name, value):
        self.recorded[name] = value


class Runtime:
    """A runtime that only notes what it is asked to spawn, and names its loop."""

    def __init__(self):
        self.spawned = []

    def spawn(self, func, *args, name=None):
        self.spawned.append(name)
        return name

    def scheduler_name(self):
        return "tests.Loop"


def close_all(rendezvous):
    for listener in rendezvous.listeners:
        listener.close()


def serve():
    pass


def client():
    pass


def test_with_both_sides_here_two_parties_arrive_per_connection_and_every_client_connects_here():
    probe, runtime = Recorder(), Runtime()
    rendezvous = spec.Rendezvous(PARAMS, probe, runtime, threading.Event)
    try:
        assert rendezvous.parties == 2
        assert [listener.getsockname() for listener in rendezvous.listeners] == [rendezvous.address]
        assert rendezvous.start(serve, client) == ["server"] and rendezvous.child is None
        waves = list(rendezvous.waves())
        assert [list(ids) for ids, _ in waves] == [list(range(first, end)) for first, end in spec.connect_waves(5)]
        assert rendezvous.samples.connect_s is not None  # the clock stops when the last wave is in
        transcript = rendezvous.transcript(3)
        transcript.connected()
        result = rendezvous.result([transcript.as_dict()], probe, runtime)
        assert result["totals"]["connections"] == 1
        assert probe.recorded["connect_latency_s"]["count"] == 1
        assert probe.recorded["sides"]["server"] == probe.recorded["sides"]["clients"]
        assert probe.recorded["sides"]["server"]["scheduler"] == "tests.Loop"
    finally:
        close_all(rendezvous)


def test_split_modes_child_serves_nothing_connects_to_the_parents_port_and_hands_all_results_back():
    params = dict(PARAMS, split=True, **{split.SERVER_PORT: 4321})
    rendezvous = spec.Rendezvous(params, split.Go(), Runtime(), threading.Event)
    assert rendezvous.parties == 1
    assert rendezvous.listeners == [] and rendezvous.start(serve, client) == []
    assert rendezvous.address == (spec.HOST, 4321)
    waves = [list(ids) for ids, _ in rendezvous.waves()]
    assert waves == [list(range(first, end)) for first, end in spec.connect_waves(5)]
    handed = rendezvous.result([{"connection": 0}], None, Runtime())
    assert handed["transcripts"] == [{"connection": 0}]
    assert set(handed["samples"]) >= {"latency_s", "connect_s"}
    assert handed["side"]["scheduler"] == "tests.Loop"


def test_split_modes_parent_connects_nobody_but_waits_the_same_waves_and_takes_the_childs_results(
        monkeypatch):
    calls = []
    monkeypatch.setattr(rendezvous_module.split, "start",
                        lambda module, port, params: calls.append(("start", module, port)) or "child")
    monkeypatch.setattr(rendezvous_module.split, "go", lambda child: calls.append(("go", child)))
    child_transcript = spec.Transcript(0).as_dict()
    child_side = {"scheduler": "the child's"}
    monkeypatch.setattr(split, "finish",
                        lambda child: ([child_transcript], {"connect_s": 0.5}, child_side))
    probe, runtime = Recorder(), Runtime()
    rendezvous = spec.Rendezvous(dict(PARAMS, split=True), probe, runtime, threading.Event)
    try:
        assert rendezvous.parties == 1
        assert rendezvous.start(serve, client) == ["server"]
        assert calls == [("start", __name__, rendezvous.address[1])]
        waves = list(rendezvous.waves())
        assert all(list(ids) == [] for ids, _ in waves)
        assert [end for _, end in waves] == [end for _, end in spec.connect_waves(5)]
        rendezvous.open()
        assert rendezvous.opened.is_set() and calls[-1] == ("go", "child")
        result = rendezvous.result([], probe, runtime)
        assert result["connections"] == [child_transcript]
        assert probe.recorded["connect_s"] == 0.5
        assert probe.recorded["sides"]["clients"] == child_side
        assert probe.recorded["sides"]["server"]["scheduler"] == "tests.Loop"
    finally:
        close_all(rendezvous)


@pytest.mark.parametrize("arrived_first", [True, False], ids=["already-in", "not-yet"])
def test_a_wait_for_connections_already_in_is_set_at_once_and_one_not_yet_in_when_the_last_arrives(
        arrived_first):
    barrier = Barrier(2, threading.Event)
    if arrived_first:
        for _ in range(4):
            barrier.arrive()
    enough = barrier.expect(2)
    assert enough.is_set() == arrived_first
    if not arrived_first:
        for _ in range(3):
            barrier.arrive()
        assert not enough.is_set()
        barrier.arrive()
        assert enough.is_set()
