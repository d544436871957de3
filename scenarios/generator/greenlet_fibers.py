"""generator on greenlet fibers: the producer is a fiber that switches each item out.

Read beside gevent_hub.py and asyncio_tasks.py; only how an item is handed over
differs. Here the producer calls switch_to(consumer, value): one greenlet
switch per item, straight from producer to consumer, no queue between.
"""

import fibers
from scenarios.common import Tally
from scenarios.generator import END, item, snapshot_at

MECHANISM = "direct switch"  # how control moves (the table's mechanism column)


def produce(items, consumer):
    for index in range(items):
        fibers.switch_to(consumer, item(index))  # -> consumer; back when it wants the next
    fibers.ready(consumer, END)  # the consumer resumes with END once this fiber has ended


def consume(items, probe):
    producer = fibers.spawn(produce, items, fibers.current(), name="producer")
    tally = Tally()
    value = fibers.park()  # -> producer, which starts; back with the first item
    while value is not END:
        tally.add(value)
        if tally.count == snapshot_at(items):
            fibers.snapshot(probe, [producer, fibers.current()])  # -> probe
        value = fibers.switch_to(producer)  # -> producer; back with the next item
    return tally.as_dict()


def run(params, probe):
    return fibers.run(consume, params["items"], probe)
