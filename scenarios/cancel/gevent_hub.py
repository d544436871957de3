"""cancel on the gevent hub: Greenlet.kill, and gevent.Timeout.

Read beside greenlet_fibers.py, asyncio_tasks.py, coroutines_bare.py and
threads.py; only how the bottom waits and how a chain is cancelled or timed
out differ. kill() has the hub throw GreenletExit into the greenlet, which
rises from the bottom's wait through every level's finally to the top; a
timed chain's bottom waits inside gevent.Timeout, which throws the same way.
"""

import gevent
from gevent.event import Event

from fibers import gevent_glue
from scenarios.cancel import CANCELLED, TIMED_OUT, Clock, Link

MECHANISM = "Greenlet.kill (GreenletExit thrown in by the hub); gevent.Timeout"


def descend(level, depth, link):
    try:
        return descend(level + 1, depth, link) if level < depth else bottom(link)
    finally:
        link.cleanup.add(level)  # runs as the cancel or the timeout unwinds through this level


def bottom(link):
    link.go.wait()  # -> hub; back at the start signal
    link.arming()
    with gevent.Timeout(link.timeout_s):  # None: never fires
        link.never.wait()  # -> hub; back only by an exception thrown in


def chain(link, depth):
    try:
        descend(1, depth, link)
    except gevent.GreenletExit:
        return link.result(CANCELLED)
    except gevent.Timeout:
        return link.result(TIMED_OUT)


def run_cancel(params, probe):
    clock, go, never = Clock(params), Event(), Event()
    links = [Link(task, params, clock) for task in range(params["tasks"])]
    for link in links:
        link.go, link.never = go, never
        link.chain = gevent_glue.spawn(chain, link, params["depth"], name=f"chain-{link.task}")
    gevent_glue.yield_()  # -> hub, which runs the chains, each to its bottom; back after them
    gevent_glue.snapshot(probe, [link.chain for link in links])  # -> hub, probe
    go.set()  # the start signal
    gevent_glue.yield_()  # -> hub, chains, each arming its timeout and waiting again, then back
    for link in links[0::2]:
        clock.cancelling(link.task)
        link.chain.kill()  # -> hub, which throws GreenletExit into the chain; back once it ended
    results = [link.chain.get() for link in links]  # -> hub, timeouts; back once all have ended
    clock.record(probe)
    return results


def run(params, probe):
    return gevent_glue.run(run_cancel, params, probe)
