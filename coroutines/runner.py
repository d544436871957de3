"""Runs a scenario's main coroutine on the chosen event loop: asyncio's, or uvloop's.

The loop is chosen by the model's setup before the scenario runs (`use_loop`),
so a model such as uvloop is a runner option, not a new scenario file. Tasks
still pending when main returns are recorded for the hygiene check, then
cancelled, so no "Task was destroyed but it is pending" noise follows.

Fail fast: a task that ends with an exception cancels main, and run() raises
that exception. Without it, a task that dies while its partner waits on a
queue leaves the run hanging until the worker's timeout (our fiber scheduler
raises the dead fiber's error when it finds the deadlock; asyncio cannot tell).

The runtime contract (runtime/contract.py) is RUNTIME, one object; scenario
files use asyncio's own primitives and call only coroutines.run(main()) and
coroutines.snapshot, which are its methods.
"""

import asyncio
import time

from coroutines import introspect
from coroutines.instrumented import Instrumented
from runtime.contract import Leftover, class_name


class Asyncio:
    """An asyncio event loop per run(), seen through the runtime contract."""

    stack = "stackless"

    def __init__(self):
        # What makes each run's loop: asyncio's, or uvloop's after use_uvloop().
        self.loop_factory = asyncio.new_event_loop
        # Names of the tasks still pending when the last run() ended (leftovers()).
        self.leftover = []
        # Instruments told of every task made, step and end. Invariant: empty unless
        # --trace asked; then each run's loop gets the instrumenting task factory.
        self.instruments = []
        # Tasks suspended in park(), each with the future ready() resolves.
        self.parked = {}
        # "module.Class" of the loop of the current run, or the last (scheduler_name()).
        self.loop_name = None

    def use_loop(self, factory):
        self.loop_factory = factory

    def use_uvloop(self):
        """The uvloop model's setup (fiberlab.models): the asyncio scenario files, unchanged, on libuv's loop."""
        import uvloop

        # libuv opens a process-wide pipe with the first loop and keeps it for the
        # process's life; open it now, before the worker's fd census, as gevent's
        # runtime does for its hub, so it is not reported as the scenario's leak.
        warm = uvloop.new_event_loop()
        warm.run_until_complete(asyncio.sleep(0))
        warm.close()
        self.use_loop(uvloop.new_event_loop)

    def run(self, main, *args):
        """Run the coroutine main(*args) as the task "main"; return its result."""
        return self.run_coroutine(main(*args))

    def run_coroutine(self, main):
        loop = self.loop_factory()
        self.loop_name = class_name(loop)
        if self.instruments:
            loop.set_task_factory(self._instrumented_task)
        failures = []
        _fail_fast(loop, failures)
        asyncio.set_event_loop(loop)
        try:
            return loop.run_until_complete(loop.create_task(main, name="main"))
        except asyncio.CancelledError:
            if failures:
                raise failures[0] from None
            raise
        finally:
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            self.leftover = [task.get_name() for task in pending]
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            asyncio.set_event_loop(None)
            loop.close()
            self.parked.clear()

    def spawn(self, func, *args, name=None):
        return asyncio.get_running_loop().create_task(func(*args), name=name)

    async def join(self, task):
        return await task  # -> loop; back with its result, or its exception raised

    def sleep(self, seconds):
        return asyncio.sleep(seconds)

    def yield_(self):
        return asyncio.sleep(0)

    def current(self):
        return asyncio.current_task()

    async def park(self):
        future = asyncio.get_running_loop().create_future()
        self.parked[asyncio.current_task()] = future
        return await future  # -> loop; back when ready() has resolved it

    def ready(self, task, value=None):
        self.parked.pop(task).set_result(value)

    async def wait_readable(self, sock):
        await self._wait(sock, "reader")

    async def wait_writable(self, sock):
        await self._wait(sock, "writer")

    async def _wait(self, sock, kind):
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        add, remove = getattr(loop, f"add_{kind}"), getattr(loop, f"remove_{kind}")
        add(sock.fileno(), future.set_result, None)
        try:
            await future  # -> loop; back when `sock` is ready
        finally:
            remove(sock.fileno())

    async def snapshot(self, probe, tasks):
        """Call probe.snapshot(tasks) from a task of its own, so every task in
        `tasks` (the caller included) is suspended while the probe looks."""

        async def look():
            probe.snapshot(tasks)

        await asyncio.create_task(look(), name="probe")  # -> loop, which runs the probe; back when done

    def describe(self, task):
        return introspect.describe(task)

    def scheduler_name(self):
        return self.loop_name

    def prepare(self):
        pass  # uvloop's process-wide pipe is opened by use_uvloop(), the model's setup

    def leftovers(self):
        return [Leftover("asyncio task", "still pending", list(self.leftover))] if self.leftover else []

    def add_instrument(self, instrument):
        """Every step the loop runs of a task, as loop -> task and task -> loop, every
        task made (told at its first step: asyncio names a task after its factory
        made it) and its end. Not seen: the loop's own callbacks between steps."""
        self.instruments.append(instrument)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)

    def _instrumented_task(self, loop, coro, **kwargs):
        wrapper = Instrumented(coro, self.instruments)
        task = asyncio.Task(wrapper, loop=loop, **kwargs)
        wrapper.task = task
        return task


def _fail_fast(loop, failures):
    """Wrap the loop's task factory so every task reports its failure to `failures`
    and cancels main (the first task made); wraps whatever factory is set."""
    inner = loop.get_task_factory()
    made = []

    def on_done(task):
        if task.cancelled() or task.exception() is None or failures:
            return
        failures.append(task.exception())
        made[0].cancel()

    def factory(loop, coro, **kwargs):
        task = inner(loop, coro, **kwargs) if inner else asyncio.Task(coro, loop=loop, **kwargs)
        if not made:
            made.append(task)  # the first task is main
        task.add_done_callback(on_done)
        return task

    loop.set_task_factory(factory)


RUNTIME = Asyncio()

use_loop = RUNTIME.use_loop
use_uvloop = RUNTIME.use_uvloop
run = RUNTIME.run_coroutine  # scenario files pass the coroutine: coroutines.run(main())


def deadline(handle):
    """When the loop will run a callback it was given a delay for (call_later, call_at): the timer's
    own when() on the loop's clock (CLOCK_MONOTONIC, as perf_counter), which on uvloop is the delay
    rounded to whole ms; or now, on perf_counter, where uvloop rounded the delay to 0 ms and
    scheduled the callback at once (a Handle with no when()). A scenario that measures lateness
    counts from this, so no wake-up reads as early."""
    return handle.when() if hasattr(handle, "when") else time.perf_counter()
