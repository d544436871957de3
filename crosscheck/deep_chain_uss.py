"""Probe-free USS slope of suspended deep chains: `python crosscheck/deep_chain_uss.py [DEPTH]`.

No harness, no probe: N chains each suspended DEPTH plain calls (greenlet) or
DEPTH awaits (asyncio) deep, parked on nothing else (no queues, no driver); bytes per chain = USS growth from N/5 to N chains.
"""
import asyncio, sys  # noqa: E401
import greenlet, psutil  # noqa: E401

DEPTH, SMALL, LARGE = int(sys.argv[1]) if len(sys.argv) > 1 else 1000, 100, 500
MASK = (1 << 48) - 1
sys.setrecursionlimit(DEPTH + 200)
uss = lambda: psutil.Process().memory_full_info().uss  # noqa: E731


# The chains have the shape of scenarios/deep_chain's: three arguments and a local per level, and
# the same three branches, since a frame's size follows its code's value stack (co_stacksize): the
# via=c branch (never taken here) makes it 8 slots, not 5, 24 bytes more a level.
def descend(level, depth, link):
    if level == depth:
        inner = greenlet.getcurrent().parent.switch()  # -> main
    elif link.via_c:
        inner = next(map(descend, (level + 1,), (depth,), (link,)))
    else:
        inner = descend(level + 1, depth, link)
    return (inner * 31 + level) & MASK


async def adescend(level, depth, link):
    if level == depth:
        inner = await link.event.wait()  # -> loop
    elif link.via_c:
        inner = next(map(adescend, (level + 1,), (depth,), (link,)))
    else:
        inner = await adescend(level + 1, depth, link)
    return (inner * 31 + level) & MASK


class Link:
    """What every chain shares: the event its bottom waits on (asyncio), and via_c, never true here."""
    via_c = False

    def __init__(self):
        self.event = asyncio.Event()


def greenlet_slope():
    chains = []
    def grow(count):  # noqa: E306
        while len(chains) < count:
            chains.append(greenlet.greenlet(descend))
            chains[-1].switch(1, DEPTH, Link())  # -> the chain; back once it is parked at the bottom
        return uss()
    small = grow(SMALL)
    return (grow(LARGE) - small) / (LARGE - SMALL)


async def asyncio_slope():
    link, chains = Link(), []
    async def grow(count):  # noqa: E306
        while len(chains) < count:
            chains.append(asyncio.create_task(adescend(1, DEPTH, link)))
        await asyncio.sleep(0)  # -> loop, which runs every new chain to its bottom
        return uss()
    small = await grow(SMALL)
    return (await grow(LARGE) - small) / (LARGE - SMALL)


if __name__ == "__main__":
    model = sys.argv[2] if len(sys.argv) > 2 else "greenlet"
    slope = greenlet_slope() if model == "greenlet" else asyncio.run(asyncio_slope())
    print(f"{model} depth {DEPTH}: {slope / 1e3:.0f} kB per suspended chain (probe-free USS slope)")
