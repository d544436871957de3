"""The stackful side: greenlet fibers on a scheduler of our own.

Start with scheduler.py (the run queue, timers, readiness waits and the one
switch point), then channel.py, then introspect.py (what the probe reads).
"""

from fibers.channel import Channel
from fibers.event import Event
from fibers.scheduler import (
    create,
    current,
    forget,
    join,
    live_fibers,
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


def snapshot(probe, tasks):
    """Call probe.snapshot(tasks) from a fiber of its own, so every fiber in
    `tasks` (the caller included) is suspended while the probe looks. It runs
    at once: with direct handoffs, a queued probe could wait for whole games."""
    run_now(probe.snapshot, tasks, name="probe")  # -> probe fiber; back when it is done


__all__ = [
    "snapshot",
    "Channel",
    "Event",
    "create",
    "current",
    "forget",
    "join",
    "live_fibers",
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
