"""cancel on OS threads: a cooperative flag, since a thread cannot be cancelled from outside.

Read beside greenlet_fibers.py, gevent_hub.py, asyncio_tasks.py and
coroutines_bare.py; only how the bottom waits and how a chain is cancelled
or timed out differ. Python offers no way to raise in another thread, so
the bottom waits on an Event (the flag) with the chain's timeout: the
canceller sets the flag, and the bottom raises Cancelled, or TimedOut when
the wait times out, which rises through every level's finally to the top.
"""

import threading

import os_threads
from scenarios.cancel import CANCELLED, TIMED_OUT, Cancelled, Clock, Link, TimedOut

MECHANISM = "cooperative flag: the bottom waits on an Event with the timeout, and raises"


def threads_needed(params):
    return params["tasks"] + 2  # the chains, the main thread's probe, one spare


def descend(level, depth, link):
    try:
        return descend(level + 1, depth, link) if level < depth else bottom(link)
    finally:
        link.cleanup.add(level)  # runs as the cancel or the timeout unwinds through this level


def bottom(link):
    os_threads.block(link.go.wait)  # -> kernel; back at the start signal
    link.arming()
    if os_threads.block(link.stop.wait, link.timeout_s):  # -> kernel; back flagged or timed out
        raise Cancelled
    raise TimedOut


def chain(link, depth):
    try:
        descend(1, depth, link)
    except Cancelled:
        return link.result(CANCELLED)
    except TimedOut:
        return link.result(TIMED_OUT)


def run_cancel(params, probe):
    clock, go = Clock(params), threading.Event()
    links = [Link(task, params, clock) for task in range(params["tasks"])]
    for link in links:
        link.go, link.stop = go, threading.Event()
        link.chain = os_threads.spawn(chain, link, params["depth"], name=f"chain-{link.task}")
    os_threads.snapshot(probe, [link.chain for link in links])  # -> kernel, probe
    go.set()  # the start signal
    for link in links[0::2]:
        clock.cancelling(link.task)
        link.stop.set()  # the flag: the chain raises Cancelled at its bottom
        os_threads.join(link.chain)  # -> kernel; back once the chain has ended
    results = [os_threads.join(link.chain) for link in links]  # -> kernel; back once all have ended
    clock.record(probe)
    return results


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(run_cancel, params, probe)
