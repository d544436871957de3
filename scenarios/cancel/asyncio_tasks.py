"""cancel on asyncio: task.cancel(), and asyncio.timeout.

Read beside greenlet_fibers.py, gevent_hub.py, coroutines_bare.py and
threads.py; only how the bottom waits and how a chain is cancelled or timed
out differ. cancel() has the loop throw CancelledError into the task at its
next step, which rises from the bottom's await through every level's finally
to the top; a timed chain's bottom waits inside asyncio.timeout, which
cancels it the same way and turns the CancelledError into TimeoutError.
"""

import asyncio

import coroutines
from scenarios.cancel import CANCELLED, TIMED_OUT, Clock, Link

MECHANISM = "task.cancel() (CancelledError thrown in by the loop); asyncio.timeout"


async def descend(level, depth, link):
    try:
        return await descend(level + 1, depth, link) if level < depth else await bottom(link)
    finally:
        link.cleanup.add(level)  # runs as the cancel or the timeout unwinds through this level


async def bottom(link):
    await link.go.wait()  # -> loop; back at the start signal
    async with asyncio.timeout(link.timeout_s) as scope:  # -> loop on leaving (None: never fires)
        link.arming(promised(scope))
        await link.never.wait()  # -> loop; back only by an exception thrown in


def promised(scope):
    """The deadline the loop armed for this timeout (coroutines.deadline: uvloop rounds the delay
    to whole ms, so it can fall before scope.when()); asyncio.Timeout keeps the timer under a
    private name, so without it scope.when() stands."""
    timer = getattr(scope, "_timeout_handler", None)
    return scope.when() if timer is None else coroutines.deadline(timer)


async def chain(link, depth):
    try:
        await descend(1, depth, link)
    except asyncio.CancelledError:
        return link.result(CANCELLED)
    except TimeoutError:
        return link.result(TIMED_OUT)


async def run_cancel(params, probe):
    clock, go, never = Clock(), asyncio.Event(), asyncio.Event()
    links = [Link(task, params, clock) for task in range(params["tasks"])]
    for link in links:
        link.go, link.never = go, never
        link.chain = asyncio.create_task(chain(link, params["depth"]), name=f"chain-{link.task}")
    await asyncio.sleep(0)  # -> loop, which runs the chains, each to its bottom; back after them
    await coroutines.snapshot(probe, [link.chain for link in links])  # -> loop, probe
    go.set()  # the start signal
    await asyncio.sleep(0)  # -> loop, chains, each arming its timeout and waiting again, then back
    for link in links[0::2]:
        clock.cancelling(link.task)
        link.chain.cancel()
        await asyncio.wait([link.chain])  # -> loop, which throws CancelledError in, till it ends
    results = [await link.chain for link in links]  # -> loop, timeouts; back once all have ended
    clock.record(probe)
    return results


def run(params, probe):
    return coroutines.run(run_cancel(params, probe))
