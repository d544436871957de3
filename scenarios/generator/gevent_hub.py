"""generator on the gevent hub: producer and consumer greenlets over a rendezvous channel.

Read beside greenlet_fibers.py and asyncio_tasks.py; only how an item is handed
over differs. Here put() blocks until the consumer's get() takes the item, and
both go through the hub: gevent never switches straight from one greenlet to another.
"""

from gevent.queue import Channel

from fibers import gevent_glue
from scenarios.common import Tally
from scenarios.generator import END, item, snapshot_at

MECHANISM = "channel via hub"  # how control moves (the table's mechanism column)


def produce(items, channel):
    for index in range(items):
        channel.put(item(index))  # -> hub; back once the consumer has taken it
    channel.put(END)  # -> hub; back once the consumer has taken END


def consume(items, probe):
    channel = Channel()
    producer = gevent_glue.spawn(produce, items, channel, name="producer")
    tally = Tally()
    value = channel.get()  # -> hub, which starts the producer; back with the first item
    while value is not END:
        tally.add(value)
        if tally.count == snapshot_at(items):
            gevent_glue.snapshot(probe, [producer, gevent_glue.current()])  # -> hub, probe
        value = channel.get()  # -> hub; back with the next item
    producer.join()  # -> hub; back when the producer has ended
    return tally.as_dict()


def run(params, probe):
    return gevent_glue.run(consume, params["items"], probe)
