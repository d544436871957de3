"""The stackless side: asyncio tasks, and what a suspended task holds.

runner.py picks the event loop and runs a scenario's main coroutine;
introspect.py walks a suspended task's cr_await chain for the probe (an
asyncio task's or a bare one's); bare.py is a scheduler of our own for
`async def` coroutines, no asyncio: the `coroutines` model.
"""

import asyncio

from coroutines.runner import run


async def snapshot(probe, tasks):
    """Call probe.snapshot(tasks) from a task of its own, so every task in
    `tasks` (the caller included) is suspended while the probe looks."""

    async def look():
        probe.snapshot(tasks)

    await asyncio.create_task(look(), name="probe")  # -> loop, which runs the probe; back when done


__all__ = ["run", "snapshot"]
