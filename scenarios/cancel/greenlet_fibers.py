"""cancel on greenlet fibers: an exception thrown into the suspended fiber, and timer fibers.

Read beside gevent_hub.py, asyncio_tasks.py, coroutines_bare.py and threads.py;
only how the bottom waits and how a chain is cancelled or timed out differ.
A cancel is greenlet.throw: the exception rises from the bottom's park(),
through every level's finally, to the top; a timed chain starts a timer fiber
that sleeps until the deadline and throws the same way.
"""

import fibers
from scenarios.cancel import CANCELLED, TIMED_OUT, Cancelled, Clock, Link, TimedOut

MECHANISM = "exception thrown into the fiber (greenlet.throw); a timer fiber throws the timeout"


def descend(level, depth, link):
    try:
        return descend(level + 1, depth, link) if level < depth else bottom(link)
    finally:
        link.cleanup.add(level)  # runs as the cancel or the timeout unwinds through this level


def bottom(link):
    fibers.park()  # -> next fiber; back at the start signal
    if link.timeout_s is not None:
        link.arming()
        name = f"timer-{link.task}"
        link.timer = fibers.spawn(expire, fibers.current(), link.timeout_s, name=name)
    fibers.park()  # -> next fiber; back only by an exception thrown in


def expire(fiber, seconds):
    fibers.sleep(seconds)  # -> next fiber; back at the deadline
    fibers.throw(fiber, TimedOut())  # -> the chain, which unwinds; back through the run queue


def chain(link, depth):
    try:
        descend(1, depth, link)
    except Cancelled:
        return link.result(CANCELLED)
    except TimedOut:
        return link.result(TIMED_OUT)


def run_cancel(params, probe):
    clock = Clock(params)
    links = [Link(task, params, clock) for task in range(params["tasks"])]
    for link in links:
        link.chain = fibers.spawn(chain, link, params["depth"], name=f"chain-{link.task}")
    fibers.yield_()  # -> chains, each to its bottom; back after them
    fibers.snapshot(probe, [link.chain for link in links])  # -> probe
    for link in links:
        fibers.ready(link.chain)  # the start signal
    fibers.yield_()  # -> chains, each arming its timeout and waiting again; back after them
    for link in links[0::2]:
        clock.cancelling(link.task)
        fibers.throw(link.chain, Cancelled())  # -> the chain, which unwinds; back via the run queue
    results = [fibers.join(link.chain) for link in links]  # -> timers, chains, till all have ended
    for link in links[1::2]:
        fibers.join(link.timer)  # -> a timer still to return from its throw; back once it has
    clock.record(probe)
    return results


def run(params, probe):
    return fibers.run(run_cancel, params, probe)
