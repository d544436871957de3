"""What gevent scenario files share: run, spawn with a name, and the probe call.

gevent greenlets are greenlets, so the probe reads them with fibers.introspect;
only the way to run things differs. No monkey-patching anywhere: scenarios use
gevent's own primitives. The runtime contract (runtime/contract.py) is RUNTIME,
one object; the module-level functions scenario files call are its methods.
"""

import gc

import gevent
from gevent.queue import Channel
from gevent.socket import wait_read, wait_write

from fibers import introspect, tracing
from runtime.contract import Leftover, class_name


class Gevent:
    """gevent's hub, seen through the runtime contract.

    gevent keeps no registry of its greenlets, so leftovers() looks for them on
    the heap (gc.get_objects) once a run has ended: a scenario may make them
    with gevent.spawn directly (spawn's tree nodes, unnamed so that a name
    costs nothing), and a list kept on every spawn would be a cost inside the
    measured run. For the same reason instruments learn of a greenlet's making
    from the trace of switches (greenlet.settrace), at its first switch in,
    which sees those made with gevent.spawn directly too."""

    stack = "stackful"

    def __init__(self):
        # True while run() is under way. Invariant: one run() at a time.
        self.running = False
        # Instruments told of every switch, making and end (greenlet.settrace).
        # Invariant: empty unless --trace asked.
        self.instruments = []

    def run(self, main, *args):
        """Run main(*args) in a greenlet on the hub until it ends; return its result."""
        if self.running:
            raise RuntimeError("gevent_glue.run() is already running")
        self.running = True
        try:
            return self.spawn(main, *args, name="main").get()  # -> hub, which runs main; back with its result
        finally:
            self.running = False

    def spawn(self, func, *args, name=None):
        """gevent.spawn with a name, so traces and snapshots say who is who (the same
        signature as fibers.spawn, coroutines.bare.spawn and os_threads.spawn)."""
        greenlet = gevent.spawn(func, *args)
        if name is not None:
            greenlet.name = name  # before it first runs, when instruments are told it was made
        return greenlet

    def join(self, greenlet):
        return greenlet.get()  # -> hub; back with its result, or its exception raised

    def sleep(self, seconds):
        gevent.sleep(seconds)  # -> hub; back after `seconds`

    def yield_(self):
        """Let every greenlet that is ready run once, then continue."""
        gevent.sleep(0)  # -> hub; back on its next pass

    def current(self):
        return gevent.getcurrent()

    def park(self):
        return gevent.get_hub().switch()  # -> hub; back when ready() switches to us

    def ready(self, greenlet, value=None):
        gevent.get_hub().loop.run_callback(greenlet.switch, value)  # runs on the hub's next pass

    def wait_readable(self, sock):
        wait_read(sock.fileno())  # -> hub; back when `sock` can be read

    def wait_writable(self, sock):
        wait_write(sock.fileno())  # -> hub; back when `sock` can be written

    def snapshot(self, probe, tasks):
        """Call probe.snapshot(tasks) in a greenlet of its own, so every greenlet in
        `tasks` (the caller included) is suspended while the probe looks.

        The hub starts the probe (as it starts every greenlet), so greenlet has
        copied each unit's C-stack slice whole by the time the probe reads it; the
        caller waits in Channel.get, the call most scenario units wait in, so its
        C stack is the same shape as theirs (Greenlet.get is a deeper C path)."""
        looked = Channel()
        self.spawn(_look, probe, tasks, looked, name="probe")
        looked.get()  # -> hub, which runs the probe; back when it has looked

    def describe(self, greenlet):
        return introspect.describe(greenlet)

    def scheduler_name(self):
        return class_name(gevent.get_hub().loop)  # libev's or libuv's, as gevent was built and configured

    def prepare(self):
        """Start the hub now: its loop's fds (epoll, eventfd) live as long as the
        process, whichever scenario first wakes it."""
        gevent.get_hub().loop  # noqa: B018 - touching the loop creates its fds

    def leftovers(self):
        """Every gevent Greenlet not dead, found on the heap (the hub is not a
        gevent.Greenlet, so it never counts)."""
        alive = [obj for obj in gc.get_objects() if isinstance(obj, gevent.Greenlet) and not obj.dead]
        return [Leftover("greenlet", "still suspended", alive)] if alive else []

    def add_instrument(self, instrument):
        """Every greenlet switch, the hub's included (greenlet.settrace); every end
        (a greenlet that switches out dead); every gevent Greenlet made, however
        made, told just before its first switch in (see the class)."""
        self.instruments.append(instrument)
        tracing.report_switches(self.instruments, tell_finished=True, created_kind=gevent.Greenlet)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)
        if not self.instruments:
            tracing.report_switches(None)


def _look(probe, tasks, looked):
    probe.snapshot(tasks)
    looked.put(None)  # -> hub; back once the caller has taken it


RUNTIME = Gevent()

run = RUNTIME.run
spawn = RUNTIME.spawn
current = RUNTIME.current
snapshot = RUNTIME.snapshot
yield_ = RUNTIME.yield_
