"""generator on asyncio: an async generator iterated with `async for`, one loop pass per item.

Read beside greenlet_fibers.py and gevent_hub.py; only how an item is handed
over differs. Here `yield` hands the item to the consumer's `async for`, which
resumes the generator's frame for the next one. An async generator that never
awaits is a plain generator in disguise (the `vs gen` floor measures that), so
the producer also awaits asyncio.sleep(0) per item: it really suspends to the
event loop, as a producer waiting on I/O would, and the loop resumes it — the
production runtime's pass per item, as gevent's Channel makes one through the
hub (the spec's docstring says why this row is the like-for-like one).
"""

import asyncio

import coroutines
from scenarios.common import Tally
from scenarios.generator import item, snapshot_at

MECHANISM = "async generator + loop pass"  # how control moves (the table's mechanism column)


async def produce(items):
    for index in range(items):
        await asyncio.sleep(0)  # -> loop; back on the loop's next pass
        yield item(index)  # -> consumer's async for; back when it wants the next


async def consume(items, probe):
    producer = produce(items)
    tally = Tally()
    async for value in producer:  # -> producer; back with the next item
        tally.add(value)
        if tally.count == snapshot_at(items):
            await coroutines.snapshot(probe, [producer, asyncio.current_task()])  # -> loop, probe
    return tally.as_dict()


def run(params, probe):
    return coroutines.run(consume(params["items"], probe))
