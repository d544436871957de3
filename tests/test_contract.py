"""Every runtime keeps the runtime contract (runtime/contract.py), through the contract alone.

One small program per family (a stackful one that blocks, a stackless one that
awaits), run on each runtime object through its contract methods only: spawn,
park and ready, yield_, sleep, join, a socket wait, snapshot and describe; an
instrument sees units made, switched to and finished; leftovers() is empty
after a clean run and names the unit a leaking run leaves parked.
"""

import socket

import pytest

from fiberlab.models import MODELS
from runtime.contract import Runtime

ENGINES = sorted({model.runtime for model in MODELS.values() if model.runtime})


def load(engine):
    return next(model for model in MODELS.values() if model.runtime == engine).load_runtime()


class Recorder:
    def __init__(self):
        self.events = []

    def created(self, unit):
        self.events.append(("created", unit))

    def switched(self, origin, target):
        self.events.append(("switched", origin, target))

    def finished(self, unit):
        self.events.append(("finished", unit))


class Probe:
    def __init__(self, runtime):
        self.runtime, self.pictures, self.records = runtime, None, {}

    def snapshot(self, units):
        self.pictures = [self.runtime.describe(unit) for unit in units]

    def record(self, name, value):
        self.records[name] = value


def stackful_program(rt, probe, sockets):
    def child(base):
        given = rt.park()  # -> whoever runs next; back once main has readied us
        rt.sleep(0.001)
        return base + given

    def main():
        unit = rt.spawn(child, 1, name="child")
        rt.yield_()  # -> child, which parks; back after it
        rt.snapshot(probe, [unit, rt.current()])
        rt.ready(unit, 10)
        total = rt.join(unit)
        ours, theirs = sockets
        theirs.send(b"x")
        rt.wait_readable(ours)
        rt.wait_writable(ours)
        return total, ours.recv(1)

    return rt.run(main)


def stackless_program(rt, probe, sockets):
    async def child(base):
        given = await rt.park()
        await rt.sleep(0.001)
        return base + given

    async def main():
        unit = rt.spawn(child, 1, name="child")
        await rt.yield_()
        await rt.snapshot(probe, [unit, rt.current()])
        rt.ready(unit, 10)
        total = await rt.join(unit)
        ours, theirs = sockets
        theirs.send(b"x")
        await rt.wait_readable(ours)
        await rt.wait_writable(ours)
        return total, ours.recv(1)

    return rt.run(main)


@pytest.mark.parametrize("engine", ENGINES)
def test_each_runtime_keeps_the_contract(engine):
    rt = load(engine)
    assert isinstance(rt, Runtime)
    recorder = Recorder()
    probe = Probe(rt)
    program = stackful_program if rt.stack == "stackful" else stackless_program
    rt.prepare()
    rt.add_instrument(recorder)
    pair = socket.socketpair()
    try:
        assert program(rt, probe, pair) == (11, b"x")
    finally:
        rt.remove_instrument(recorder)
        for sock in pair:
            sock.close()
    assert rt.leftovers() == []
    assert len(probe.pictures) == 2 and all(picture["frames"] >= 1 for picture in probe.pictures)
    events = recorder.events
    assert ("created", "child") in events
    assert any(event[0] == "switched" and "child" in event[1:] for event in events)
    assert ("finished", "child") in events
    assert events.index(("created", "child")) < events.index(("finished", "child"))


@pytest.mark.parametrize("engine", ENGINES)
def test_leftovers_name_the_unit_a_run_left_parked(engine):
    rt = load(engine)
    forgotten = []

    if rt.stack == "stackful":
        def main():
            forgotten.append(rt.spawn(rt.park, name="forgotten"))
            rt.yield_()  # -> forgotten, which parks for good; back after it
    else:
        async def main():
            forgotten.append(rt.spawn(rt.park, name="forgotten"))
            await rt.yield_()

    rt.run(main)
    leftovers = rt.leftovers()
    assert len(leftovers) == 1 and len(leftovers[0].units) == 1 and leftovers[0].noun and leftovers[0].state
    if engine == "os_threads.kernel:RUNTIME":  # a parked thread would block for ever: release it
        rt.ready(forgotten[0], None)
        forgotten[0].join()
        assert rt.leftovers() == []
    if engine == "fibers.gevent_glue:RUNTIME":  # found on the heap: end it, or later tests would see it
        forgotten[0].kill()
        assert rt.leftovers() == []


def test_gevent_leftovers_include_a_greenlet_made_with_gevent_spawn_directly():
    """gevent keeps no registry: a greenlet a scenario made without the glue (spawn's tree
    nodes are) and left suspended is a leftover too."""
    import gevent
    import gevent.event

    rt = load("fibers.gevent_glue:RUNTIME")
    never = gevent.event.Event()
    forgotten = []
    rt.run(lambda: forgotten.append(gevent.spawn(never.wait)) or gevent.sleep(0))  # -> the greenlet, which waits
    try:
        leftovers = rt.leftovers()
        assert [len(leftover.units) for leftover in leftovers] == [1] and leftovers[0].units[0] is forgotten[0]
    finally:
        forgotten[0].kill()
    assert rt.leftovers() == []


def test_an_instrument_taken_out_hears_nothing_more():
    rt = load("fibers.scheduler:RUNTIME")
    recorder = Recorder()
    rt.add_instrument(recorder)
    rt.remove_instrument(recorder)
    rt.run(lambda: rt.join(rt.spawn(rt.yield_, name="quiet")))
    assert recorder.events == []


def test_gevent_instruments_hear_of_a_greenlet_made_with_gevent_spawn_directly():
    """gevent.spawn bypasses the glue's spawn(); the instrument is told it was made all the same,
    before it first runs, and of its end."""
    import gevent

    rt = load("fibers.gevent_glue:RUNTIME")
    recorder = Recorder()

    def main():
        direct = gevent.spawn(gevent.sleep, 0)
        direct.name = "direct"
        direct.join()  # -> hub, which runs it; back when it has ended

    rt.add_instrument(recorder)
    try:
        rt.run(main)
    finally:
        rt.remove_instrument(recorder)
    events = recorder.events
    assert ("created", "direct") in events and ("finished", "direct") in events
    first_run = next(index for index, event in enumerate(events) if event[0] == "switched" and event[2] == "direct")
    assert events.index(("created", "direct")) < first_run
