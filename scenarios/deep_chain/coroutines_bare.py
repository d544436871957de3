"""deep_chain on bare coroutines: `async def` all the way down, one trap at the bottom.

Read beside greenlet_fibers.py: the bottom's trap unwinds to our loop; the next offer re-enters.
"""

from coroutines import bare
from scenarios.deep_chain import MASK, chain_args, chain_results, climb, offer, snapshot_at
from scenarios.spec import Unsupported

MECHANISM = "direct send"  # how control moves (the table's mechanism column)


class Link:
    """What one chain shares with the driver: the two tasks, filled in before play starts."""

    def __init__(self, task, suspensions, via):
        self.task, self.suspensions, self.via_c = task, suspensions, via == "c"
        self.chain = self.driver = None


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
    try:
        return bare.run(descend, level, depth, link)
    except RuntimeError as exc:
        raise Unsupported.because(exc) from None


async def bottom(link):
    value = await bare.park()  # -> next task; back with the driver's first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    for _ in range(link.suspensions - 1):
        value = await bare.switch_to(link.driver, seen)  # -> driver; back with its next offer
        seen = (seen * 31 + value) & MASK
    bare.ready(link.driver, seen)  # the last reply: the driver resumes once it is out of our hands
    return seen


async def drive(links, suspensions, probe):
    """Spawned after every chain, so it starts once each one waits at its bottom."""
    driver_seen = [0] * len(links)
    snapshot_index = snapshot_at(suspensions) if probe else -1
    for index in range(suspensions):
        if index == snapshot_index:
            await bare.snapshot(probe, [link.chain for link in links])  # -> probe
        for link in links:
            seen = await bare.switch_to(link.chain, offer(link.task, index))  # -> chain's bottom
            driver_seen[link.task] = (driver_seen[link.task] * 31 + seen) & MASK
    return driver_seen


async def run_chains(depth, suspensions, tasks, via, probe):
    links = [Link(task, suspensions, via) for task in range(tasks)]
    for link in links:
        link.chain = bare.spawn(descend, 1, depth, link, name=f"chain-{link.task}")
    await bare.yield_()  # -> chains, each to its bottom; back when they wait there
    for link in links:
        if link.chain.done:  # a chain that could not reach its bottom (via=c): raise its error
            await bare.join(link.chain)  # -> nothing: it has ended; raises its error
    driver = bare.spawn(drive, links, suspensions, probe, name="driver")
    for link in links:
        link.driver = driver
    driver_seen = await bare.join(driver)  # -> chains, then driver; back when the driver ends
    returned = [await bare.join(link.chain) for link in links]  # -> chains; back as each ends
    return chain_results(links, returned, driver_seen)


def run(params, probe):
    return bare.run(run_chains, *chain_args(params), probe)
