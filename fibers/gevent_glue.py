"""What gevent scenario files share: run, spawn with a name, and the probe call.

gevent greenlets are greenlets, so the probe reads them with fibers.introspect;
only the way to run things differs. No monkey-patching anywhere: scenarios use
gevent's own primitives.
"""

import gevent


def run(main, *args):
    """Run main(*args) in a greenlet on the hub until it ends; return its result."""
    return spawn("main", main, *args).get()  # -> hub, which runs main; back with its result


def spawn(name, func, *args):
    """gevent.spawn with a name, so traces and snapshots say who is who."""
    greenlet = gevent.spawn(func, *args)
    greenlet.name = name
    return greenlet


def current():
    return gevent.getcurrent()


def snapshot(probe, tasks):
    """Call probe.snapshot(tasks) in a greenlet of its own, so every greenlet in
    `tasks` (the caller included) is suspended while the probe looks."""
    spawn("probe", probe.snapshot, tasks).get()  # -> hub, which runs the probe; back when done


def yield_():
    """Let every greenlet that is ready run once, then continue."""
    gevent.sleep(0)  # -> hub; back on its next pass
