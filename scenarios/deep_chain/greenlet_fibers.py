"""deep_chain on greenlet fibers: plain functions all the way down, one switch at the bottom.

Read beside gevent_hub.py and asyncio_tasks.py; only the levels' `def` and
how the bottom waits differ. Here no level knows that the chain suspends:
the bottom calls switch_to(driver, seen), and the whole chain stays on the
fiber's stack, untouched, until the driver switches back with the next offer.
The fiber's stack is its own: on CPython 3.11+ its Python frames sit in
data-stack chunks the greenlet owns (saved and restored with it on every
switch), beside the slice of the C stack greenlet copies to the heap.
"""

import fibers
from scenarios.deep_chain import MASK, chain_args, chain_results, climb, offer, snapshot_at

MECHANISM = "direct switch"  # how control moves (the table's mechanism column)


class Link:
    """What one chain shares with the driver: the two fibers, filled in before play starts."""

    def __init__(self, task, suspensions, via):
        self.task, self.suspensions, self.via_c = task, suspensions, via == "c"
        self.chain = self.driver = None


def descend(level, depth, link):
    if level == depth:
        inner = bottom(link)
    elif link.via_c:  # map's C __next__ calls the next level: a C frame between the two
        inner = next(map(descend, (level + 1,), (depth,), (link,)))
    else:
        inner = descend(level + 1, depth, link)
    return climb(level, inner)


def bottom(link):
    value = fibers.park()  # -> next fiber; back with the driver's first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    for _ in range(link.suspensions - 1):
        value = fibers.switch_to(link.driver, seen)  # -> driver; back with its next offer
        seen = (seen * 31 + value) & MASK
    fibers.ready(link.driver, seen)  # the last reply: the driver resumes once this chain has ended
    return seen


def drive(links, suspensions, probe):
    """Spawned after every chain, so it starts once each one waits at its bottom."""
    driver_seen = [0] * len(links)
    snapshot_index = snapshot_at(suspensions) if probe else -1
    for index in range(suspensions):
        if index == snapshot_index:
            fibers.snapshot(probe, [link.chain for link in links])  # -> probe
        for link in links:
            seen = fibers.switch_to(link.chain, offer(link.task, index))  # -> chain's bottom
            driver_seen[link.task] = (driver_seen[link.task] * 31 + seen) & MASK
    return driver_seen


def run_chains(depth, suspensions, tasks, via, probe):
    links = [Link(task, suspensions, via) for task in range(tasks)]
    for link in links:
        link.chain = fibers.spawn(descend, 1, depth, link, name=f"chain-{link.task}")
    driver = fibers.spawn(drive, links, suspensions, probe, name="driver")
    for link in links:
        link.driver = driver
    driver_seen = fibers.join(driver)  # -> chains, then driver; back when the driver ends
    returned = [fibers.join(link.chain) for link in links]  # -> chains; back as each ends
    return chain_results(links, returned, driver_seen)


def run(params, probe):
    return fibers.run(run_chains, *chain_args(params), probe)
