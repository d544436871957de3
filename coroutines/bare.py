"""A small scheduler for bare coroutines: run queue, timers, socket readiness, no asyncio.

The stackless twin of fibers/scheduler.py; read the two side by side. State
first, then the one trap, then the parking functions the loop applies, then
the loop, then the runtime contract (runtime/contract.py), which mirrors
fibers' method for method. All of it is one object, RUNTIME; the module-level
functions scenario files await (spawn, join, park, ...) are its bound methods.

Contract: `_trap` is the only place a task yields to the scheduler (switch_to
is the same trap spelled out, one call fewer on the hot path). Every
blocking call below awaits one _trap(who, what), and the loop reads `who`:
- a park function: the loop calls park(task, what), which leaves the task
  somewhere it will be found again — the run queue, the timer heap, the
  selector, a joiner list — and returns the (task, value) to run next, or
  NOTHING to take the next ready task;
- a Task: the direct hand-over of switch_to(). The loop sends `what` into
  that task at once — no park call, no run-queue pass — as fibers.switch_to
  does with one greenlet switch. This is the path pingpong and generator
  time, so it is kept to one yield and one send.

Why no stack: a task is a coroutine object. Suspending unwinds its await
chain back to the loop's `coro.send()` (each coroutine keeps its frame in
itself), and resuming re-enters every coroutine on the chain. Nothing of a
suspended task is on any C stack, so the loop needs no greenlets.
"""

import selectors
import time
import types
from collections import deque

from coroutines import introspect
from coroutines.instrumented import Instrumented
from runtime.contract import Leftover, class_name
from runtime.wakeups import Wakeups

NOTHING = (None, None)  # what a park returns when the loop should take the next ready task


@types.coroutine
def _trap(who, what):
    """The one awaitable: hands (who, what) to the loop, returns what the task is resumed with.

    A generator-based coroutine rather than a class with __await__: awaiting it
    costs one generator, not an object and a generator (the hand-over's cost)."""
    return (yield who, what)  # -> the loop: parks this task, or resumes `who`; back with the resume value


class Task:
    """A coroutine with a name, a result, and a list of tasks joining it."""

    __slots__ = ("coro", "func", "args", "name", "done", "result", "exception", "joined", "joiners")

    def __init__(self, coro, name, func=None, args=()):
        self.coro = coro  # None until a task made by create() is first switched to
        self.func, self.args = func, args  # what create() builds the coroutine from
        self.name = name
        self.done = False
        self.result = None
        self.exception = None  # the BaseException that ended it, if any
        self.joined = False  # someone collected the outcome (result or exception)
        self.joiners = []  # tasks suspended in join(self)

    def get_name(self):
        return self.name  # as asyncio.Task has, for the tracer

    def get_coro(self):
        """The task's outermost coroutine (as asyncio.Task has): where the probe's chain starts."""
        return self.coro

    def __repr__(self):
        return f"<Task {self.name}>"


class Scheduler:
    """The bare-coroutine runtime: one object per process, its state reset by each run()."""

    stack = "stackless"

    def __init__(self):
        self.running = False  # a run() is under way; run() does not nest
        self.reset()
        # Tasks still suspended when the last run() ended (leftovers() names them).
        self.leftover = set()
        # Instruments told of every task made, step and end (add_instrument).
        # Invariant: empty unless --trace asked; only _start() tests it.
        self.instruments = []

    def reset(self):
        # Tasks that can run now, each with the value its trap returns.
        self.run_queue = deque()
        # Sleeping tasks and tasks waiting for a socket (shared with fibers/scheduler.py).
        self.wakeups = None
        # Every task made in this run that has not finished yet. Invariant: a task is
        # here from spawn()/create()/run_now() until finish().
        self.live = set()
        # Tasks that ended with an exception; run() re-raises one nobody joined.
        self.failed = []
        # The task whose coroutine the loop last entered: the caller, inside a task.
        self.current_task = None
        self.spawned = 0

    # -- parks: where a trapped task is left, and who runs next ------------------

    def park_ready(self, task, value):
        # Timers due go first, as with fibers.yield_: a task that keeps yielding must not starve sleepers.
        self.run_queue.extend((sleeper, None) for sleeper in self.wakeups.due())
        self.run_queue.append((task, value))
        return NOTHING

    def park_nowhere(self, task, _arg):
        return NOTHING  # someone holds a reference and will resume it (switch_to, ready)

    def park_until(self, task, deadline):
        self.wakeups.at(deadline, task)
        return NOTHING

    def park_joining(self, task, other):
        if other.done:
            return task, None  # nothing to wait for: the joiner goes on at once
        other.joiners.append(task)
        return NOTHING

    def park_and_run(self, task, other):
        """Run `other` at once, and resume `task` when it ends (run_now)."""
        other.joiners.append(task)
        return other, None

    def park_on_socket(self, task, wait):
        sock, events = wait
        self.wakeups.on_socket(sock, events, task)
        return NOTHING

    # -- the loop, in three named phases ----------------------------------------

    def loop(self, main):
        while not main.done:
            if self.run_queue:
                self.run_ready()
            elif self.wakeups.pending():
                self.wait_for_timers_and_io()
            else:
                # A task that died unjoined is the likely cause: raise its error.
                for task in self.failed:
                    if not task.joined:
                        raise task.exception
                raise RuntimeError("deadlock: the main task waits, and nothing can wake it")

    def run_ready(self):
        """Run the first ready task, and every task a hand-over names after it.

        Discussion: this is one loop, not a call to a step() per task, because
        a direct hand-over (switch_to) passes through here once, and a Python
        call more per hand-over is a tenth of pingpong's round trip. The loop
        is the stackless twin of one greenlet switch; keep it this short.
        `while True`, not `while task is not None`: CPython 3.11 counts only a
        plain backward jump towards specializing a function, so a game that
        runs whole inside the first call here would run unspecialized (1.5x)."""
        task, value = self.run_queue.popleft()
        while True:
            if task is None:
                return
            self.current_task = task
            coro = task.coro
            if coro is None:  # made by create(): it starts now, with `value` as its last argument
                coro = self._start(task, task.func(*task.args, value))
                value = None
            try:
                who, what = coro.send(value)  # -> task; back at its next trap
            except StopIteration as stop:
                task, value = self.finish(task, stop.value, None)
                continue
            except BaseException as exc:  # noqa: BLE001 - stored, re-raised by join()
                task, value = self.finish(task, None, exc)
                continue
            if who.__class__ is Task:
                task, value = who, what  # switch_to: the peer runs next, with `what`, no queue pass
            else:
                task, value = who(task, what)  # a park leaves `task` somewhere and says who runs next

    def finish(self, task, result, exception):
        task.done, task.result, task.exception = True, result, exception
        if exception is not None:
            self.failed.append(task)
        self.live.discard(task)
        for joiner in task.joiners:
            self.run_queue.append((joiner, None))
        return NOTHING

    def wait_for_timers_and_io(self):
        self.run_queue.extend((task, None) for task in self.wakeups.wait())

    # -- the contract: run, tasks, blocking calls (each awaits one _trap) -------

    def run(self, main, *args):
        """Run the coroutine `main(*args)` as the first task until it returns; return its result.

        Other tasks still suspended when main returns are closed and recorded for
        the hygiene check; a task that failed and was never joined makes run()
        raise its exception, so no error is lost.
        """
        if self.running:
            raise RuntimeError("coroutines.bare.run() is already running")
        self.running = True
        self.reset()
        self.wakeups = Wakeups()
        try:
            main_task = self.spawn(main, *args, name="main")
            self.loop(main_task)
            for task in [main_task] + self.failed:
                if task.exception is not None and not task.joined:
                    raise task.exception
            return main_task.result
        finally:
            self.leftover = set(self.live)
            for task in self.leftover:
                if task.coro is not None:
                    task.coro.close()  # no "coroutine was never awaited" noise; the leak is still reported
            self.wakeups.close()
            self.running = False
            self.reset()  # the run's tasks and queues go now, not at the next run()

    def spawn(self, func, *args, name=None):
        """Create a task for the coroutine func(*args) and queue it behind the ready tasks."""
        self.spawned += 1
        task = Task(None, name or f"task-{self.spawned}")
        self._start(task, func(*args))
        self.live.add(task)
        self.run_queue.append((task, None))
        return task

    def create(self, func, *args, name):
        """Make a task that is not queued: it starts when a task first awaits
        switch_to(it, value), as the coroutine func(*args, value)."""
        self.spawned += 1
        task = Task(None, name, func, args)
        self.live.add(task)
        if self.instruments:
            for instrument in self.instruments:
                instrument.created(task.name)
        return task

    async def run_now(self, func, *args, name):
        """Run the coroutine func(*args) at once in a task of its own, ahead of
        every ready task, and wait until it ends; return its result."""
        self.spawned += 1
        task = Task(None, name)
        self._start(task, func(*args))
        self.live.add(task)
        await _trap(self.park_and_run, task)  # -> the new task; back after it has ended
        return await self.join(task)

    def _start(self, task, coro):
        """Give `task` its coroutine: wrapped, when instrumented, so that the
        instruments see each step the loop runs (loop -> task -> loop) and its end."""
        if self.instruments:
            if task.func is None:  # a created task was told of in create()
                for instrument in self.instruments:
                    instrument.created(task.name)
            coro = Instrumented(coro, self.instruments, task, told_created=True)
        task.coro = coro
        return coro

    def current(self):
        return self.current_task

    def park(self):
        """Await: suspend until another task resumes this one (switch_to or ready);
        the await returns the value it passes."""
        return _trap(self.park_nowhere, None)

    def ready(self, task, value=None):
        """Queue a suspended task to resume with `value` (not a suspension: no await)."""
        self.run_queue.append((task, value))

    def yield_(self):
        """Await: let every task that is ready run once, then continue."""
        return _trap(self.park_ready, None)

    async def sleep(self, seconds):
        if seconds <= 0:
            return await self.yield_()  # -> next ready task; back after the ones queued before us
        await _trap(self.park_until, time.monotonic() + seconds)  # -> next ready task; back at the deadline

    async def join(self, task):
        """Wait for `task` to finish; return its result or re-raise its exception."""
        if not task.done:
            await _trap(self.park_joining, task)  # -> next ready task; back when `task` has ended
        task.joined = True
        if task.exception is not None:
            raise task.exception
        return task.result

    def wait_readable(self, sock):
        """Await: suspend until `sock` can be read."""
        return _trap(self.park_on_socket, (sock, selectors.EVENT_READ))

    def wait_writable(self, sock):
        """Await: suspend until `sock` can be written."""
        return _trap(self.park_on_socket, (sock, selectors.EVENT_WRITE))

    def throw(self, task, exc):
        """Raise `exc` in `task`, parked in park() or switch_to(), at once and in the
        caller's turn: its await chain unwinds (its finally blocks run) until it
        ends or awaits again. Not a suspension of the caller. A task waiting on a
        timer or a socket must not be thrown into: the wait would still hold it."""
        caller, self.current_task = self.current_task, task
        try:
            who, what = task.coro.throw(exc)  # -> task, which unwinds; back at its end or next trap
        except StopIteration as stop:
            self.finish(task, stop.value, None)
        except BaseException as error:  # noqa: BLE001 - stored, re-raised by join()
            self.finish(task, None, error)
        else:
            follow = (who, what) if who.__class__ is Task else who(task, what)  # switch_to names who runs next
            if follow is not NOTHING:
                self.run_queue.append(follow)  # a hand-over it asked for runs after the caller's turn
        finally:
            self.current_task = caller

    def forget(self, sock):
        """`sock` is being closed: drop its selector registration (kept across waits; see
        runtime/wakeups.py). Not a suspension; a no-op outside run()."""
        if self.running:
            self.wakeups.forget(sock)

    # -- the contract: what the harness asks ------------------------------------

    async def snapshot(self, probe, tasks):
        """Call probe.snapshot(tasks) from a task of its own, so every task in
        `tasks` (the caller included) is suspended while the probe looks. It runs
        at once: with direct handoffs, a queued probe could wait for whole games."""

        async def look():
            probe.snapshot(tasks)

        await self.run_now(look, name="probe")  # -> probe task; back when it is done

    def describe(self, task):
        return introspect.describe(task)

    def scheduler_name(self):
        return class_name(self)  # this object is the scheduler

    def prepare(self):
        pass  # nothing lives longer than a run

    def leftovers(self):
        if not self.leftover:
            return []
        return [Leftover("bare coroutine task", "still suspended", sorted(self.leftover, key=str))]

    def add_instrument(self, instrument):
        """Every step the loop runs, as loop -> task and task -> loop (a coroutine
        has no switch of its own: each step is a send() from the loop, the direct
        hand-over of switch_to included), every task made, and its end. Tasks
        made before this call are not seen."""
        self.instruments.append(instrument)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)


RUNTIME = Scheduler()

# -- the module's API, which scenario files call: RUNTIME's methods -------------
# Bound methods, not wrappers: a wrapper would be a Python call more per await.

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
snapshot = RUNTIME.snapshot


@types.coroutine
def switch_to(task, value=None):
    """Await: hand control and `value` straight to `task`, which must be parked
    (in park or switch_to) or made by create() and not started; the await
    returns the value this task is later resumed with. The loop resumes the
    peer at once: no run-queue pass, as with fibers.switch_to.

    _trap(task, value) spelled out: a Task as `who` is the loop's hand-over,
    and one generator call fewer per hand-over is the point of this path."""
    return (yield task, value)  # -> the loop, which sends `value` into `task`; back with the resume value


def active():
    """The runtime, if a run() is under way."""
    if not RUNTIME.running:
        raise RuntimeError("no coroutines.bare.run() is under way")
    return RUNTIME


class Event:
    """An event tasks wait for: `await wait()` parks until set(); set() queues every waiter.

    The waiter list is where a waiting task is found again; set() is not a
    suspension, its waiters run when the setter next awaits."""

    __slots__ = ("is_set", "_waiters")

    def __init__(self):
        self.is_set = False
        self._waiters = []  # tasks parked in wait(), in arrival order

    async def wait(self):
        if not self.is_set:
            self._waiters.append(current())
            await park()  # -> next ready task; back once set() queued us

    def set(self):
        self.is_set = True
        for task in self._waiters:
            ready(task)
        self._waiters.clear()
