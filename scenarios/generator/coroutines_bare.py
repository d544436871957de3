"""generator on bare coroutines: the producer is a task that switches each item out.

Read beside greenlet_fibers.py (the same handoff, with stacks) and
asyncio_tasks.py. Here the producer awaits switch_to(consumer, value): one
trap to our loop, which resumes the consumer at once, no queue between.
"""

from coroutines import bare
from scenarios.common import Tally
from scenarios.generator import END, item, snapshot_at

MECHANISM = "direct send"  # how control moves (the table's mechanism column)


async def produce(items, consumer):
    for index in range(items):
        await bare.switch_to(consumer, item(index))  # -> consumer; back when it wants the next
    bare.ready(consumer, END)  # the consumer resumes with END once this task has ended


async def consume(items, probe):
    producer = bare.spawn(produce, items, bare.current(), name="producer")
    tally = Tally()
    value = await bare.park()  # -> producer, which starts; back with the first item
    while value is not END:
        tally.add(value)
        if tally.count == snapshot_at(items):
            await bare.snapshot(probe, [producer, bare.current()])  # -> probe
        value = await bare.switch_to(producer)  # -> producer; back with the next item
    return tally.as_dict()


def run(params, probe):
    return bare.run(consume, params["items"], probe)
