"""The stackless side: asyncio tasks, and what a suspended task holds.

runner.py picks the event loop and runs a scenario's main coroutine;
introspect.py walks a suspended task's cr_await chain for the probe (an
asyncio task's or a bare one's); bare.py is a scheduler of our own for
`async def` coroutines, no asyncio: the `coroutines` model.
"""

from coroutines.runner import RUNTIME, run

snapshot = RUNTIME.snapshot  # probe.snapshot(tasks) from a task of its own

__all__ = ["run", "snapshot"]
