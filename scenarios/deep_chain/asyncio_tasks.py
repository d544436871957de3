"""deep_chain on asyncio: `async def` and `await` at every level, a queue at the bottom.

Read beside greenlet_fibers.py: every level awaits the next, out to the loop and back down.
"""

import asyncio

import coroutines
from scenarios.deep_chain import MASK, chain_args, chain_results, climb, offer, snapshot_at
from scenarios.spec import Unsupported

MECHANISM = "queue via loop"  # how control moves (the table's mechanism column)


class Link:
    """What one chain shares with the driver: a one-slot queue each way."""

    def __init__(self, task, suspensions, via):
        self.task, self.suspensions, self.via_c = task, suspensions, via == "c"
        self.to_bottom, self.to_driver = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)


async def descend(level, depth, link):
    if level == depth:
        inner = await bottom(link)
    elif link.via_c:  # map's C __next__ calls the next level: a C frame between the two
        inner = next(map(descend_from_c, (level + 1,), (depth,), (link,)))
    else:
        inner = await descend(level + 1, depth, link)
    return climb(level, inner)


def descend_from_c(level, depth, link):
    """A plain function called from C cannot await: all it can do is run the next
    level to its end in a loop of its own, and the running loop refuses to nest one."""
    below = descend(level, depth, link)
    try:
        return asyncio.get_running_loop().run_until_complete(below)
    except RuntimeError as exc:
        below.close()  # never started: close it, so no "never awaited" warning follows
        raise Unsupported.because(exc) from None


async def bottom(link):
    value = await link.to_bottom.get()  # -> loop; back with the driver's first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    for _ in range(link.suspensions - 1):
        await link.to_driver.put(seen)  # slot free: no suspension
        value = await link.to_bottom.get()  # -> loop; back with the driver's next offer
        seen = (seen * 31 + value) & MASK
    await link.to_driver.put(seen)  # the last reply; slot free: no suspension
    return seen


async def drive(links, suspensions, probe):
    """Created after every chain, so it starts once each one waits at its bottom."""
    driver_seen = [0] * len(links)
    snapshot_index = snapshot_at(suspensions) if probe else -1
    for index in range(suspensions):
        if index == snapshot_index:
            await coroutines.snapshot(probe, [link.chain for link in links])  # -> loop, probe
        for link in links:
            await link.to_bottom.put(offer(link.task, index))  # slot free: no suspension
            seen = await link.to_driver.get()  # -> loop, the chain; back with the bottom's reply
            driver_seen[link.task] = (driver_seen[link.task] * 31 + seen) & MASK
    return driver_seen


async def run_chains(depth, suspensions, tasks, via, probe):
    links = [Link(task, suspensions, via) for task in range(tasks)]
    for link in links:
        link.chain = asyncio.create_task(descend(1, depth, link), name=f"chain-{link.task}")
    driver = asyncio.create_task(drive(links, suspensions, probe), name="driver")
    driver_seen = await driver  # -> loop, chains, then driver; back when the driver ends
    returned = [await link.chain for link in links]  # -> loop, chains; back as each ends
    return chain_results(links, returned, driver_seen)


def run(params, probe):
    return coroutines.run(run_chains(*chain_args(params), probe))
