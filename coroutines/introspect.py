"""What a suspended task holds: the coroutine objects on its cr_await chain.

A suspended asyncio task is not a stack. It is a chain of objects: the task's
coroutine awaits another coroutine (cr_await), which awaits another, down to
the future the innermost one waits on. Each coroutine object carries its own
frame (inside the object since CPython 3.11), so the chain's objects and their
sys.getsizeof are what the task keeps alive while it is suspended.
"""

import inspect
import sys


def await_chain(unit):
    """The objects a suspended task (or coroutine, or async generator) awaits
    through, outermost first, ending with the object it really waits on."""
    # asyncio.Task and coroutines.bare.Task both hand out their outermost coroutine.
    obj = unit.get_coro() if hasattr(unit, "get_coro") else unit
    chain = []
    while obj is not None:
        chain.append(obj)
        obj = (
            getattr(obj, "cr_await", None)
            or getattr(obj, "gi_yieldfrom", None)
            or getattr(obj, "ag_await", None)
        )
    return chain


def _has_frame(obj):
    return inspect.iscoroutine(obj) or inspect.isgenerator(obj) or inspect.isasyncgen(obj)


def describe(unit):
    """Stack picture of one suspended task, in the probe's vocabulary."""
    frames = [obj for obj in await_chain(unit) if _has_frame(obj)]
    return {
        "frames": len(frames),
        "c_stack_bytes": None,  # nothing of a suspended task is on any C stack
        "frame_bytes": sum(sys.getsizeof(obj) for obj in frames),
    }
