"""A small scheduler for greenlet fibers: run queue, timers, socket readiness.

Read this file top to bottom: state first, then the one switch point, then the
blocking operations built on it, then the loop.

Contract: `Scheduler.switch_out()` is the only function that switches from a
fiber to the scheduler (or to the fiber the scheduler picks). Every blocking
operation below (yield_, sleep, join, park, wait_readable, wait_writable, and
Channel in channel.py) first parks the current fiber somewhere it will be found
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
        for joiner in self.joiners:
            self.scheduler.ready.append((joiner, None))
        # Returning ends the greenlet and switches to its parent: the scheduler.

    def __repr__(self):
        return f"<Fiber {self.name}>"


class Scheduler:
    def __init__(self):
        # Fibers that can run now, each with the value its suspended call returns.
        self.ready = deque()
        # Sleeping fibers and fibers waiting for a socket (shared with coroutines/bare.py).
        self.wakeups = Wakeups()
        # Every spawned fiber that has not finished yet (the hygiene check reads it).
        self.live = set()
        # Fibers that ended with an exception; run() re-raises one nobody joined.
        self.failed = []
        # The greenlet that runs loop(): every fiber's parent.
        self.loop_greenlet = getcurrent()
        self.spawned = 0

    # -- the one switch point -------------------------------------------------

    def switch_out(self, to=None, value=None):
        """Leave the current fiber for `to` (default: the next ready fiber, else
        the scheduler loop); return the value the current fiber is resumed with.
        Only run_now() names `to`: a fresh fiber that must run next."""
        if to is None:
            if not self.ready:
                return self.loop_greenlet.switch()
            to, value = self.ready.popleft()
        if not to:
            # Not started yet. A greenlet starts at the recursion depth of
            # whoever switches into it, so fibers started by fibers would
            # nest ever deeper; start it from the loop, which is shallow.
            self.ready.appendleft((to, value))
            return self.loop_greenlet.switch()
        return to.switch(value)

    # -- the loop, in three named phases ----------------------------------------

    def loop(self, main):
        while not main.done:
            if self.ready:
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
        fiber, value = self.ready.popleft()
        fiber.switch(value)  # -> fiber; back here when no fiber is ready or one ends

    def wait_for_timers_and_io(self):
        self.ready.extend((fiber, None) for fiber in self.wakeups.wait())


_active = None  # the Scheduler of the current run()
_leftover = set()  # fibers still suspended when the last run() ended


def _switch_out():
    return _active.switch_out()  # -> next ready fiber, or the loop


# -- the public API: every blocking call parks the fiber, then _switch_out() ------


def run(main, *args):
    """Run `main(*args)` as the first fiber until it returns; return its result.

    Other fibers still suspended when main returns are left as they are (the
    harness's hygiene check reports them); a fiber that failed and was never
    joined makes run() raise its exception, so no error is lost.
    """
    global _active, _leftover
    if _active is not None:
        raise RuntimeError("fibers.run() is already running")
    _active = Scheduler()
    try:
        main_fiber = spawn(main, *args, name="main")
        _active.loop(main_fiber)
        for fiber in [main_fiber] + _active.failed:
            if fiber.exception is not None and not fiber.joined:
                raise fiber.exception
        return main_fiber.result
    finally:
        _leftover = set(_active.live)
        _active.wakeups.close()
        _active = None


def spawn(func, *args, name=None):
    """Create a fiber for func(*args) and queue it behind the ready fibers."""
    _active.spawned += 1
    fiber = Fiber(_active, func, args, name or f"fiber-{_active.spawned}")
    _active.live.add(fiber)
    _active.ready.append((fiber, None))
    return fiber


def create(func, *args, name):
    """Make a fiber that is not queued: it starts when a fiber first calls
    switch_to(it, value), as func(*args, value). Its stack then begins inside
    the starter's, the layout of a bare greenlet and its parent, which makes
    their switches cheaper than between two fibers the loop started."""
    _active.spawned += 1
    fiber = Fiber(_active, func, args, name, takes_start_value=True)
    _active.live.add(fiber)
    return fiber


def run_now(func, *args, name):
    """Run func(*args) at once in a fiber of its own, ahead of every ready
    fiber, and wait until it ends; return its result.

    The new fiber starts from the loop, not inside the caller's stack: the
    probe runs this way, and a fiber started from the loop (stack_stop at the
    loop's depth) makes greenlet copy every suspended fiber's C-stack slice to
    the heap whole before the probe reads `_stack_saved`. Started inside the
    caller, it would find the caller's slice copied only in part (in pingpong
    with one pair, ping 584 B beside pong's 1,992 B)."""
    _active.spawned += 1
    fiber = Fiber(_active, func, args, name)
    _active.live.add(fiber)
    fiber.joiners.append(getcurrent())
    _active.switch_out(fiber)  # -> the loop, which starts the fiber first; back after it has ended
    return join(fiber)


def current():
    return getcurrent()


def active():
    """The Scheduler of the run() under way (Channel binds to it)."""
    if _active is None:
        raise RuntimeError("no fibers.run() is under way")
    return _active


def live_fibers():
    """Fibers not finished: of the run() under way, else left by the last one."""
    return set(_active.live) if _active else set(_leftover)


def park():
    """Suspend until another fiber resumes this one (switch_to or ready);
    return the value it passes."""
    return _switch_out()  # -> next ready fiber; back when someone resumes us


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


def yield_():
    """Let every fiber that is ready, or whose timer is due, run once, then continue.
    Without the timers a fiber that keeps yielding would starve every sleeper:
    the loop only looks at timers when nothing is ready."""
    _active.ready.extend((fiber, None) for fiber in _active.wakeups.due())
    _active.ready.append((getcurrent(), None))
    _switch_out()  # -> next ready fiber; back after the ones queued before us


def sleep(seconds):
    if seconds <= 0:
        return yield_()
    _active.wakeups.at(time.monotonic() + seconds, getcurrent())
    _switch_out()  # -> next ready fiber; back when the deadline passes


def join(fiber):
    """Wait for `fiber` to finish; return its result or re-raise its exception."""
    if not fiber.done:
        fiber.joiners.append(getcurrent())
        _switch_out()  # -> next ready fiber; back when `fiber` has ended
    fiber.joined = True
    if fiber.exception is not None:
        raise fiber.exception
    return fiber.result


def wait_readable(sock):
    _active.wakeups.on_socket(sock, selectors.EVENT_READ, getcurrent())
    _switch_out()  # -> next ready fiber; back when `sock` can be read


def wait_writable(sock):
    _active.wakeups.on_socket(sock, selectors.EVENT_WRITE, getcurrent())
    _switch_out()  # -> next ready fiber; back when `sock` can be written


def throw(fiber, exc):
    """Raise `exc` in `fiber`, suspended in park() or switch_to(), at once: its stack
    unwinds (its finally blocks run) until it ends or suspends again; then the
    caller goes on, from the run queue. A fiber waiting on a timer or a socket
    must not be thrown into: the wait would still hold it."""
    _active.ready.append((getcurrent(), None))
    fiber.throw(exc)  # -> fiber, which unwinds; back through the run queue


def forget(sock):
    """`sock` is being closed: drop its selector registration (kept across waits; see runtime/wakeups.py).
    Not a suspension; a no-op outside run()."""
    if _active is not None:
        _active.wakeups.forget(sock)


def ready(fiber, value=None):
    """Queue a suspended fiber to resume with `value`."""
    _active.ready.append((fiber, value))
