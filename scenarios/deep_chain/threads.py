"""deep_chain on OS threads: plain functions all the way down, a queue at the bottom.

Read beside greenlet_fibers.py and gevent_hub.py; only how the bottom waits
differs. As with fibers, no level knows that the chain suspends: the bottom
blocks in a one-slot queue.Queue and the whole chain stays where it is, on
the thread's own stack (CPython 3.11+ keeps Python frames on a data stack of
the thread's, not on the C stack, so depth costs no OS stack).
"""

import queue

import os_threads
from scenarios.deep_chain import MASK, chain_args, chain_results, climb, offer, snapshot_at

MECHANISM = "OS queue"  # how control moves (the table's mechanism column)


def threads_needed(params):
    return params["tasks"] + 2  # the chains, the driver, the probe's own


class Link:
    """What one chain shares with the driver: a one-slot queue each way."""

    def __init__(self, task, suspensions, via):
        self.task, self.suspensions, self.via_c = task, suspensions, via == "c"
        self.to_bottom, self.to_driver = queue.Queue(maxsize=1), queue.Queue(maxsize=1)


def descend(level, depth, link):
    if level == depth:
        inner = bottom(link)
    elif link.via_c:  # map's C __next__ calls the next level: a C frame between the two
        inner = next(map(descend, (level + 1,), (depth,), (link,)))
    else:
        inner = descend(level + 1, depth, link)
    return climb(level, inner)


def bottom(link):
    value = os_threads.block(link.to_bottom.get)  # -> kernel; back with the driver's first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    for _ in range(link.suspensions - 1):
        link.to_driver.put(seen)  # slot free: no wait
        value = os_threads.block(link.to_bottom.get)  # -> kernel; back with the driver's next offer
        seen = (seen * 31 + value) & MASK
    link.to_driver.put(seen)  # the last reply; slot free: no wait
    return seen


def drive(links, suspensions, probe):
    """Started after every chain; a chain not yet at its bottom finds the offer in its queue."""
    driver_seen = [0] * len(links)
    snapshot_index = snapshot_at(suspensions) if probe else -1
    for index in range(suspensions):
        if index == snapshot_index:
            os_threads.snapshot(probe, [link.chain for link in links])  # -> kernel, probe
        for link in links:
            link.to_bottom.put(offer(link.task, index))  # slot free: no wait
            seen = os_threads.block(link.to_driver.get)  # -> kernel; back with the bottom's reply
            driver_seen[link.task] = (driver_seen[link.task] * 31 + seen) & MASK
    return driver_seen


def run_chains(depth, suspensions, tasks, via, probe):
    links = [Link(task, suspensions, via) for task in range(tasks)]
    for link in links:
        link.chain = os_threads.spawn(descend, 1, depth, link, name=f"chain-{link.task}")
    driver = os_threads.spawn(drive, links, suspensions, probe, name="driver")
    driver_seen = os_threads.join(driver)  # -> kernel; back when the driver ends
    returned = [os_threads.join(link.chain) for link in links]  # -> kernel; back as each ends
    return chain_results(links, returned, driver_seen)


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(run_chains, *chain_args(params), probe)
