"""cancel on bare coroutines: coro.throw into the suspended chain, and timer tasks.

Read beside greenlet_fibers.py (the same scheduler design, with stacks),
gevent_hub.py, asyncio_tasks.py and threads.py; only how the bottom waits and
how a chain is cancelled or timed out differ. A cancel is coro.throw on the
chain's outermost coroutine: the exception appears at the innermost await
and rises through every level's finally to the top, in the caller's turn; a
timed chain starts a timer task that sleeps until the deadline and throws.
"""

from coroutines import bare
from scenarios.cancel import CANCELLED, TIMED_OUT, Cancelled, Clock, Link, TimedOut

MECHANISM = ("exception thrown into the coroutine chain (coro.throw); "
             "a timer task throws the timeout")


async def descend(level, depth, link):
    try:
        return await descend(level + 1, depth, link) if level < depth else await bottom(link)
    finally:
        link.cleanup.add(level)  # runs as the cancel or the timeout unwinds through this level


async def bottom(link):
    await bare.park()  # -> next task; back at the start signal
    if link.timeout_s is not None:
        link.arming()
        bare.spawn(expire, bare.current(), link.timeout_s, name=f"timer-{link.task}")
    await bare.park()  # -> next task; back only by an exception thrown in


async def expire(task, seconds):
    await bare.sleep(seconds)  # -> next task; back at the deadline
    bare.throw(task, TimedOut())  # the chain unwinds now, in our turn: not a suspension


async def chain(link, depth):
    try:
        await descend(1, depth, link)
    except Cancelled:
        return link.result(CANCELLED)
    except TimedOut:
        return link.result(TIMED_OUT)


async def run_cancel(params, probe):
    clock = Clock(params)
    links = [Link(task, params, clock) for task in range(params["tasks"])]
    for link in links:
        link.chain = bare.spawn(chain, link, params["depth"], name=f"chain-{link.task}")
    await bare.yield_()  # -> chains, each to its bottom; back after them
    await bare.snapshot(probe, [link.chain for link in links])  # -> probe
    for link in links:
        bare.ready(link.chain)  # the start signal
    await bare.yield_()  # -> chains, each arming its timeout and waiting again; back after them
    for link in links[0::2]:
        clock.cancelling(link.task)
        bare.throw(link.chain, Cancelled())  # the chain unwinds now, in our turn: not a suspension
    results = [await bare.join(link.chain) for link in links]  # -> timers, chains, till all end
    clock.record(probe)
    return results


def run(params, probe):
    return bare.run(run_cancel, params, probe)
