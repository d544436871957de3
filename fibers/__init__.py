"""The stackful side: greenlet fibers on a scheduler of our own.

Start with scheduler.py (the run queue, timers, readiness waits and the one
switch point), then event.py (a waiter list: what parking somewhere looks like),
then introspect.py (what the probe reads).
"""

from fibers.event import Event
from fibers.scheduler import (
    RUNTIME,
    create,
    current,
    forget,
    join,
    park,
    ready,
    run,
    run_now,
    sleep,
    spawn,
    switch_to,
    throw,
    wait_readable,
    wait_writable,
    yield_,
)

snapshot = RUNTIME.snapshot  # probe.snapshot(tasks) from a fiber of its own, run at once


__all__ = [
    "RUNTIME",
    "snapshot",
    "Event",
    "create",
    "current",
    "forget",
    "join",
    "park",
    "ready",
    "run",
    "run_now",
    "sleep",
    "spawn",
    "switch_to",
    "throw",
    "wait_readable",
    "wait_writable",
    "yield_",
]
