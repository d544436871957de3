"""The runtime contract: what every model's runtime offers, and all the harness may use.

A runtime is one object (fibers.scheduler.RUNTIME, fibers.gevent_glue.RUNTIME,
coroutines.bare.RUNTIME, coroutines.runner.RUNTIME, os_threads.kernel.RUNTIME) that
holds all of its state; its package's module-level functions (spawn, join,
sleep, yield_, park, ready, ...), which scenario files call, are that
object's bound methods or thin wrappers of them. A Model names its runtime
("module:object", fiberlab/models.py), and the worker, the probe and --trace
reach the runtime only through the methods below: no private registries, no
patching, no branching on the kind of model.

Two families, one contract:
- stackful runtimes (greenlet fibers, gevent, OS threads): a blocking method
  blocks and returns its value;
- stackless runtimes (bare coroutines, asyncio, uvloop): a blocking method
  returns an awaitable, and the unit awaits it (`await rt.join(unit)`); a
  runtime of plain generators (tests/tiny_runtime.py) returns a generator,
  and the unit delegates to it (`yield from rt.join(unit)`).
`stackless` says which. "Unit" below is whatever the runtime schedules: a
fiber, a gevent Greenlet, a task, a thread.

Hand-over: park() leaves the current unit suspended where only a reference
held by someone else finds it; ready(unit, value) resumes such a unit with
`value`. Runtimes with an explicit hand-over (fibers, bare coroutines) also
have switch_to(unit, value), the two in one step; it is not part of the
contract because the others cannot do it without a pass through their loop.
"""

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, runtime_checkable


@dataclass
class Leftover:
    """Units of one kind a run left behind, for the worker's hygiene check.

    The worker prints `<count> <noun>(s) <state>` ("1 greenlet still suspended",
    "2 asyncio tasks still pending"); `units` are the units themselves (or
    their names, for a runtime that must not keep them alive)."""

    noun: str
    state: str
    units: list = field(default_factory=list)


@runtime_checkable
class Instrument(Protocol):
    """What a runtime tells an observer as it runs (trio's Instrument, reduced).

    Every event carries unit *names* (str): the runtime's own lane is named
    too — "root" (our greenlet scheduler's loop, or the caller before gevent's
    hub), "hub" (gevent), "loop" (an event loop, our bare one included),
    "kernel" (the OS scheduler, for threads). Events may arrive from several
    OS threads at once (the threads runtime): an instrument locks if it must.
    A runtime that cannot see an event says so in its add_instrument()."""

    def created(self, unit: str) -> None:
        """A unit was made (spawned or created), before it first runs."""

    def switched(self, origin: str, target: str) -> None:
        """Control moved from `origin` to `target`: `origin` is suspended and
        `target` resumed, in one event, because a hand-over is one event (a
        direct switch between two fibers never passes through the loop)."""

    def finished(self, unit: str) -> None:
        """A unit ended (returned or raised); it will not run again."""


def class_name(obj) -> str:
    """"module.Class" of `obj`, as scheduler_name() gives it."""
    return f"{type(obj).__module__}.{type(obj).__qualname__}"


@runtime_checkable
class Runtime(Protocol):
    """One runtime: a scheduler (or the kernel's) and everything it knows."""

    #: "stackful" or "stackless": whether blocking methods block or return awaitables.
    stack: str

    def run(self, main: Callable, *args) -> Any:
        """Run main(*args) as the first unit until it returns; return its result.

        Invariants: one run() at a time (a nested call raises RuntimeError);
        a unit that failed and was never joined makes run() raise its error,
        so no error is lost; units still suspended when main returns are left
        as they are, and leftovers() names them afterwards."""

    def spawn(self, func: Callable, *args, name: str | None = None) -> Any:
        """Make a unit running func(*args) and schedule it; return the unit.
        It first runs when the caller next suspends (a thread: at once)."""

    def join(self, unit) -> Any:
        """Wait until `unit` has ended; its result, or its exception raised here."""

    def sleep(self, seconds: float) -> Any:
        """Suspend for at least `seconds`; other units run meanwhile."""

    def yield_(self) -> Any:
        """Let every unit that is ready run once, then continue."""

    def current(self) -> Any:
        """The unit running now."""

    def park(self) -> Any:
        """Suspend until someone calls ready(this unit, value); return `value`.
        The caller must have left a reference to itself where that someone finds it."""

    def ready(self, unit, value=None) -> None:
        """Resume `unit`, suspended in park(), with `value` once the caller
        next suspends. Not a suspension itself."""

    def wait_readable(self, sock) -> Any:
        """Suspend until `sock` can be read."""

    def wait_writable(self, sock) -> Any:
        """Suspend until `sock` can be written."""

    def snapshot(self, probe, units: list) -> Any:
        """Call probe.snapshot(units) while every unit in `units` (the caller
        included) is suspended: from a unit of the runtime's own, started
        where the runtime starts its units, and back to the caller after."""

    def describe(self, unit) -> dict:
        """The stack picture of one suspended unit, in the probe's vocabulary:
        {"frames", "c_stack_bytes" (None if nothing is copied), "frame_bytes"}
        and, for a thread, "c_stack_reserved_bytes"."""

    def scheduler_name(self) -> str:
        """What schedules this process's units in the current run (or the last),
        as "module.Class": the runtime itself (our schedulers, the kernel's
        threads) or the event loop it drives (gevent's libev loop, asyncio's or
        uvloop's loop). The result says it per process (runtime/process.py)."""

    def prepare(self) -> None:
        """Open whatever the runtime keeps for the life of the process (gevent's
        hub and its fds), before the worker's fd census, so it is not reported
        as a run's leak."""

    def leftovers(self) -> list[Leftover]:
        """What the last run() left behind: units still suspended, tasks still
        pending, threads still running. Empty if it left nothing."""

    def add_instrument(self, instrument: Instrument) -> None:
        """Report this process's later events to `instrument` (see Instrument).
        For --trace and the switch timeline only: an instrumented run is slower,
        and an uninstrumented one pays at most a test of an empty list."""

    def remove_instrument(self, instrument) -> None:
        """Stop reporting to `instrument`; with none left, the runtime runs as if
        never instrumented (a test's instrument must not outlive the test)."""
