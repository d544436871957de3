"""generator on OS threads: the producer is a thread; items cross a one-slot queue.Queue.

Read beside gevent_hub.py and asyncio_tasks.py; only how an item is handed
over differs. Here put() waits while the slot is full and get() while it is
empty, both on the queue's threading.Condition: the producer runs at most
one item ahead, and every item crosses the kernel (a wake-up) and the GIL.
"""

import queue

import os_threads
from scenarios.common import Tally
from scenarios.generator import END, item, snapshot_at

MECHANISM = "OS queue"  # how control moves (the table's mechanism column)


def threads_needed(_params):
    return 2  # the producer and the probe's own; the consumer is the main thread


def produce(items, channel):
    for index in range(items):
        os_threads.block(channel.put, item(index))  # -> kernel; back once the slot is free
    os_threads.block(channel.put, END)  # -> kernel; back once the slot is free for END


def consume(items, probe):
    channel = queue.Queue(maxsize=1)
    producer = os_threads.spawn(produce, items, channel, name="producer")
    tally = Tally()
    value = os_threads.block(channel.get)  # -> kernel; back with the first item
    while value is not END:
        tally.add(value)
        if tally.count == snapshot_at(items):
            os_threads.snapshot(probe, [producer, os_threads.current()])  # -> kernel, probe
        value = os_threads.block(channel.get)  # -> kernel; back with the next item
    os_threads.join(producer)  # -> kernel; back when the producer has ended
    return tally.as_dict()


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(consume, params["items"], probe)
