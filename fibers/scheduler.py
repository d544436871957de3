"""A small scheduler for greenlet fibers: run queue, timers, socket readiness.

Read this file top to bottom: state first, then the one switch point, then the
loop, then the blocking operations built on it. All of it is one object,
RUNTIME, the runtime contract of runtime/contract.py; the module-level
functions scenario files call (spawn, join, park, ...) are its bound methods.

Contract: `Scheduler.switch_out()` is the only function that switches from a
fiber to the scheduler (or to the fiber the scheduler picks). Every blocking
operation below (yield_, sleep, join, park, wait_readable, wait_writable)
first parks the current fiber somewhere it will be found
again — the run queue, the timer heap, the selector, a waiter list — and then
calls switch_out(). The one other way out of a fiber is switch_to(), the
explicit handoff to a named peer, which never involves the scheduler.

Design choice: switch_out() hands control *directly* to the next ready fiber
instead of bouncing through the scheduler's own greenlet. A round trip between two fibers therefore costs two greenlet
switches, like two bare greenlets switching to each other; the scheduler
greenlet only runs when no fiber is ready and it has to wait for timers or I/O.
"""

import selectors
import time
from collections import deque

from greenlet import getcurrent, greenlet

from fibers import introspect, tracing
from runtime.contract import Leftover, class_name
from runtime.wakeups import Wakeups


class Fiber(greenlet):
    """A greenlet with a name, a result, and a list of fibers joining it."""

    def __init__(self, scheduler, func, args, name, takes_start_value=False):
        # The parent is the scheduler's greenlet, so a finished fiber always
        # returns there, whoever spawned it.
        super().__init__(parent=scheduler.loop_greenlet)
        self.scheduler = scheduler
        self.func = func
        self.args = args
        self.name = name
        self.done = False
        self.result = None
        self.exception = None  # the BaseException that ended it, if any
        self.joined = False  # someone collected the outcome (result or exception)
        self.joiners = []  # fibers suspended in join(self)
        # A fiber made by create() starts at the first switch_to(fiber, value)
        # and gets that value as its last argument; a spawned one gets none.
        self.takes_start_value = takes_start_value

    def run(self, *start_value):
        args = self.args + start_value if self.takes_start_value else self.args
        try:
            self.result = self.func(*args)
        except BaseException as exc:  # noqa: BLE001 - stored, re-raised by join()
            self.exception = exc
            self.scheduler.failed.append(self)
        self.done = True
        self.scheduler.live.discard(self)
        if self.scheduler.instruments:
            self.scheduler.tell_finished(self)
        for joiner in self.joiners:
            self.scheduler.run_queue.append((joiner, None))
        # Returning ends the greenlet and switches to its parent: the scheduler.

    def __repr__(self):
        return f"<Fiber {self.name}>"


class Scheduler:
    """The greenlet runtime: one object per process, its state reset by each run()."""

    stack = "stackful"

    def __init__(self):
        self.running = False  # a run() is under way; run() does not nest
        self.reset()
        # Fibers still suspended when the last run() ended (leftovers() names them).
        self.leftover = set()
        # Instruments told of every fiber made, switch and end (add_instrument).
        # Invariant: empty unless --trace asked; the hot paths test it and go on.
        self.instruments = []

    def reset(self):
        # Fibers that can run now, each with the value its suspended call returns.
        self.run_queue = deque()
        # Sleeping fibers and fibers waiting for a socket (shared with coroutines/bare.py).
        self.wakeups = None
        # Every fiber made in this run that has not finished yet. Invariant: a fiber
        # is here from spawn()/create() until the last line of its run().
        self.live = set()
        # Fibers that ended with an exception; run() re-raises one nobody joined.
        self.failed = []
        # The greenlet that runs loop(): every fiber's parent (the caller of run()).
        self.loop_greenlet = getcurrent()
        self.spawned = 0

    # -- the one switch point -------------------------------------------------

    def switch_out(self, to=None, value=None):
        """Leave the current fiber for `to` (default: the next ready fiber, else
        the scheduler loop); return the value the current fiber is resumed with.
        Only run_now() names `to`: a fresh fiber that must run next."""
        if to is None:
            if not self.run_queue:
                return self.loop_greenlet.switch()
            to, value = self.run_queue.popleft()
        if not to:
            # Not started yet. A greenlet starts at the recursion depth of
            # whoever switches into it, so fibers started by fibers would
            # nest ever deeper; start it from the loop, which is shallow.
            self.run_queue.appendleft((to, value))
            return self.loop_greenlet.switch()
        return to.switch(value)

    # -- the loop, in three named phases ----------------------------------------

    def loop(self, main):
        while not main.done:
            if self.run_queue:
                self.run_ready()
            elif self.wakeups.pending():
                self.wait_for_timers_and_io()
            else:
                # A fiber that died unjoined is the likely cause: raise its error.
                for fiber in self.failed:
                    if not fiber.joined:
                        raise fiber.exception
                raise RuntimeError("deadlock: the main fiber waits, and nothing can wake it")

    def run_ready(self):
        fiber, value = self.run_queue.popleft()
        fiber.switch(value)  # -> fiber; back here when no fiber is ready or one ends

    def wait_for_timers_and_io(self):
        self.run_queue.extend((fiber, None) for fiber in self.wakeups.wait())

    # -- the contract: run, units, blocking calls (each parks, then switch_out) --

    def run(self, main, *args):
        """Run `main(*args)` as the first fiber until it returns; return its result.

        Other fibers still suspended when main returns are left as they are (the
        harness's hygiene check reports them); a fiber that failed and was never
        joined makes run() raise its exception, so no error is lost.
        """
        if self.running:
            raise RuntimeError("fibers.run() is already running")
        self.running = True
        self.reset()
        self.wakeups = Wakeups()
        try:
            main_fiber = self.spawn(main, *args, name="main")
            self.loop(main_fiber)
            for fiber in [main_fiber] + self.failed:
                if fiber.exception is not None and not fiber.joined:
                    raise fiber.exception
            return main_fiber.result
        finally:
            self.leftover = set(self.live)
            self.wakeups.close()
            self.running = False
            self.reset()  # the run's fibers and queues go now, not at the next run()

    def spawn(self, func, *args, name=None):
        """Create a fiber for func(*args) and queue it behind the ready fibers."""
        self.spawned += 1
        fiber = Fiber(self, func, args, name or f"fiber-{self.spawned}")
        self.live.add(fiber)
        self.run_queue.append((fiber, None))
        if self.instruments:
            self.tell_created(fiber)
        return fiber

    def create(self, func, *args, name):
        """Make a fiber that is not queued: it starts when a fiber first calls
        switch_to(it, value), as func(*args, value). Its stack then begins inside
        the starter's, the layout of a bare greenlet and its parent, which makes
        their switches cheaper than between two fibers the loop started."""
        self.spawned += 1
        fiber = Fiber(self, func, args, name, takes_start_value=True)
        self.live.add(fiber)
        if self.instruments:
            self.tell_created(fiber)
        return fiber

    def run_now(self, func, *args, name):
        """Run func(*args) at once in a fiber of its own, ahead of every ready
        fiber, and wait until it ends; return its result.

        The new fiber starts from the loop, not inside the caller's stack: the
        probe runs this way, and a fiber started from the loop (stack_stop at the
        loop's depth) makes greenlet copy every suspended fiber's C-stack slice to
        the heap whole before the probe reads `_stack_saved`. Started inside the
        caller, it would find the caller's slice copied only in part (in pingpong
        with one pair, ping 584 B beside pong's 1,992 B)."""
        self.spawned += 1
        fiber = Fiber(self, func, args, name)
        self.live.add(fiber)
        if self.instruments:
            self.tell_created(fiber)
        fiber.joiners.append(getcurrent())
        self.switch_out(fiber)  # -> the loop, which starts the fiber first; back after it has ended
        return self.join(fiber)

    def current(self):
        return getcurrent()

    def park(self):
        """Suspend until another fiber resumes this one (switch_to or ready);
        return the value it passes."""
        return self.switch_out()  # -> next ready fiber; back when someone resumes us

    def ready(self, fiber, value=None):
        """Queue a suspended fiber to resume with `value`."""
        self.run_queue.append((fiber, value))

    def yield_(self):
        """Let every fiber that is ready, or whose timer is due, run once, then continue.
        Without the timers a fiber that keeps yielding would starve every sleeper:
        the loop only looks at timers when nothing is ready."""
        self.run_queue.extend((fiber, None) for fiber in self.wakeups.due())
        self.run_queue.append((getcurrent(), None))
        self.switch_out()  # -> next ready fiber; back after the ones queued before us

    def sleep(self, seconds):
        if seconds <= 0:
            return self.yield_()
        self.wakeups.at(time.monotonic() + seconds, getcurrent())
        self.switch_out()  # -> next ready fiber; back when the deadline passes

    def join(self, fiber):
        """Wait for `fiber` to finish; return its result or re-raise its exception."""
        if not fiber.done:
            fiber.joiners.append(getcurrent())
            self.switch_out()  # -> next ready fiber; back when `fiber` has ended
        fiber.joined = True
        if fiber.exception is not None:
            raise fiber.exception
        return fiber.result

    def wait_readable(self, sock):
        self.wakeups.on_socket(sock, selectors.EVENT_READ, getcurrent())
        self.switch_out()  # -> next ready fiber; back when `sock` can be read

    def wait_writable(self, sock):
        self.wakeups.on_socket(sock, selectors.EVENT_WRITE, getcurrent())
        self.switch_out()  # -> next ready fiber; back when `sock` can be written

    def throw(self, fiber, exc):
        """Raise `exc` in `fiber`, suspended in park() or switch_to(), at once: its stack
        unwinds (its finally blocks run) until it ends or suspends again; then the
        caller goes on, from the run queue. A fiber waiting on a timer or a socket
        must not be thrown into: the wait would still hold it."""
        self.run_queue.append((getcurrent(), None))
        fiber.throw(exc)  # -> fiber, which unwinds; back through the run queue

    def forget(self, sock):
        """`sock` is being closed: drop its selector registration (kept across waits; see
        runtime/wakeups.py). Not a suspension; a no-op outside run()."""
        if self.running:
            self.wakeups.forget(sock)

    # -- the contract: what the harness asks ------------------------------------

    def snapshot(self, probe, tasks):
        """Call probe.snapshot(tasks) from a fiber of its own, so every fiber in
        `tasks` (the caller included) is suspended while the probe looks. It runs
        at once: with direct handoffs, a queued probe could wait for whole games."""
        self.run_now(probe.snapshot, tasks, name="probe")  # -> probe fiber; back when it is done

    def describe(self, fiber):
        return introspect.describe(fiber)

    def scheduler_name(self):
        return class_name(self)  # this object is the scheduler

    def prepare(self):
        pass  # nothing lives longer than a run

    def leftovers(self):
        return [Leftover("greenlet", "still suspended", sorted(self.leftover, key=str))] if self.leftover else []

    def add_instrument(self, instrument):
        """Every greenlet switch (greenlet.settrace: direct hand-overs, the loop,
        the probe's fiber), every fiber made and ended. Nothing is unseen."""
        self.instruments.append(instrument)
        tracing.report_switches(self.instruments)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)
        if not self.instruments:
            tracing.report_switches(None)

    def tell_created(self, fiber):
        for instrument in self.instruments:
            instrument.created(fiber.name)

    def tell_finished(self, fiber):
        for instrument in self.instruments:
            instrument.finished(fiber.name)


RUNTIME = Scheduler()

# -- the module's API, which scenario files call: RUNTIME's methods -------------
# Bound methods, not wrappers: a wrapper would be a Python call more on every
# hand-over, which is what pingpong and generator time.

run = RUNTIME.run
spawn = RUNTIME.spawn
create = RUNTIME.create
run_now = RUNTIME.run_now
current = RUNTIME.current
park = RUNTIME.park
ready = RUNTIME.ready
yield_ = RUNTIME.yield_
sleep = RUNTIME.sleep
join = RUNTIME.join
wait_readable = RUNTIME.wait_readable
wait_writable = RUNTIME.wait_writable
throw = RUNTIME.throw
forget = RUNTIME.forget

# switch_to(fiber, value): hand control and `value` straight to `fiber`, which
# must be parked (in park or switch_to) or made by create() and not started;
# return the value this fiber is later resumed with.
#
# The explicit handoff of stackful code: one greenlet switch to a named peer,
# no queue, no scheduler pass. It is the only way out of a fiber besides
# switch_out(), and it never goes to the scheduler. The caller is now parked
# in the hands of `fiber`, which must resume it with switch_to or ready.
# It *is* greenlet.switch, called as a function: a Python wrapper around it
# would cost a fifth of a ping-pong round trip.
switch_to = greenlet.switch


def active():
    """The runtime, if a run() is under way."""
    if not RUNTIME.running:
        raise RuntimeError("no fibers.run() is under way")
    return RUNTIME
