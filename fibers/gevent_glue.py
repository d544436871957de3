"""What gevent scenario files share: run, spawn with a name, and the probe call.

gevent greenlets are greenlets, so the probe reads them with fibers.introspect;
only the way to run things differs. No monkey-patching anywhere: scenarios use
gevent's own primitives.
"""

import gevent
from gevent.queue import Channel


def run(main, *args):
    """Run main(*args) in a greenlet on the hub until it ends; return its result."""
    return spawn(main, *args, name="main").get()  # -> hub, which runs main; back with its result


def spawn(func, *args, name=None):
    """gevent.spawn with a name, so traces and snapshots say who is who (the same
    signature as fibers.spawn, coroutines.bare.spawn and os_threads.spawn)."""
    greenlet = gevent.spawn(func, *args)
    if name is not None:
        greenlet.name = name
    return greenlet


def current():
    return gevent.getcurrent()


def snapshot(probe, tasks):
    """Call probe.snapshot(tasks) in a greenlet of its own, so every greenlet in
    `tasks` (the caller included) is suspended while the probe looks.

    The hub starts the probe (as it starts every greenlet), so greenlet has
    copied each unit's C-stack slice whole by the time the probe reads it; the
    caller waits in Channel.get, the call most scenario units wait in, so its
    C stack is the same shape as theirs (Greenlet.get is a deeper C path)."""
    looked = Channel()
    spawn(_look, probe, tasks, looked, name="probe")
    looked.get()  # -> hub, which runs the probe; back when it has looked


def _look(probe, tasks, looked):
    probe.snapshot(tasks)
    looked.put(None)  # -> hub; back once the caller has taken it


def yield_():
    """Let every greenlet that is ready run once, then continue."""
    gevent.sleep(0)  # -> hub; back on its next pass
