"""The stackless side: asyncio tasks, and what a suspended task holds.

runner.py picks the event loop and runs a scenario's main coroutine;
introspect.py walks a suspended task's cr_await chain for the probe (an
asyncio task's or a bare one's); bare.py is a scheduler of our own for
`async def` coroutines, no asyncio: the `coroutines` model.

`coroutines.run`, `coroutines.snapshot`, `coroutines.deadline` and `coroutines.RUNTIME` (what the
asyncio scenario files use) are asyncio's runtime's, imported on first use: the `coroutines` model
imports coroutines.bare, and a worker of its own need not import asyncio.
"""

__all__ = ["RUNTIME", "deadline", "run", "snapshot"]


def __getattr__(name):
    if name not in __all__:
        raise AttributeError(f"module 'coroutines' has no attribute {name!r}")
    from coroutines import runner

    globals().update(RUNTIME=runner.RUNTIME, run=runner.run, snapshot=runner.RUNTIME.snapshot,
                     deadline=runner.deadline)  # once: later lookups find them here
    return globals()[name]
