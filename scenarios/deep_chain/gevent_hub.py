"""deep_chain on the gevent hub: plain functions all the way down, a channel at the bottom.

Read beside greenlet_fibers.py and asyncio_tasks.py; only the levels' `def`
and how the bottom waits differ. Here, as with our fibers, no level knows
that the chain suspends: the bottom blocks in a rendezvous channel, the hub
runs others, and the whole chain stays on the greenlet's stack, untouched.
"""

from gevent.queue import Channel

from fibers import gevent_glue
from scenarios.deep_chain import MASK, chain_args, chain_results, climb, offer, snapshot_at

MECHANISM = "channel via hub"  # how control moves (the table's mechanism column)


class Link:
    """What one chain shares with the driver: a rendezvous channel each way."""

    def __init__(self, task, suspensions, via):
        self.task, self.suspensions, self.via_c = task, suspensions, via == "c"
        self.to_bottom, self.to_driver = Channel(), Channel()


def descend(level, depth, link):
    if level == depth:
        inner = bottom(link)
    elif link.via_c:  # map's C __next__ calls the next level: a C frame between the two
        inner = next(map(descend, (level + 1,), (depth,), (link,)))
    else:
        inner = descend(level + 1, depth, link)
    return climb(level, inner)


def bottom(link):
    value = link.to_bottom.get()  # -> hub; back with the driver's first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    for _ in range(link.suspensions - 1):
        link.to_driver.put(seen)  # -> hub; back once the driver has taken it
        value = link.to_bottom.get()  # -> hub; back with the driver's next offer
        seen = (seen * 31 + value) & MASK
    link.to_driver.put(seen)  # -> hub; back once the driver has taken the last reply
    return seen


def drive(links, suspensions, probe):
    """Spawned after every chain, so it starts once each one waits at its bottom."""
    driver_seen = [0] * len(links)
    snapshot_index = snapshot_at(suspensions) if probe else -1
    for index in range(suspensions):
        if index == snapshot_index:
            gevent_glue.snapshot(probe, [link.chain for link in links])  # -> hub, probe
        for link in links:
            link.to_bottom.put(offer(link.task, index))  # -> hub; back once the bottom has taken it
            seen = link.to_driver.get()  # -> hub; back with the bottom's reply
            driver_seen[link.task] = (driver_seen[link.task] * 31 + seen) & MASK
    return driver_seen


def run_chains(depth, suspensions, tasks, via, probe):
    links = [Link(task, suspensions, via) for task in range(tasks)]
    for link in links:
        link.chain = gevent_glue.spawn(descend, 1, depth, link, name=f"chain-{link.task}")
    driver = gevent_glue.spawn(drive, links, suspensions, probe, name="driver")
    driver_seen = driver.get()  # -> hub, chains, then driver; back when the driver ends
    returned = [link.chain.get() for link in links]  # -> hub, chains; back as each ends
    return chain_results(links, returned, driver_seen)


def run(params, probe):
    return gevent_glue.run(run_chains, *chain_args(params), probe)
