"""fairness on the gevent hub: the hog sleeps 0 between slices, and the hub runs who is due.

Read beside greenlet_fibers.py, asyncio_tasks.py, coroutines_bare.py and
threads.py; only how a unit waits, sleeps and yields differs. Nothing takes
the CPU from a running greenlet: a ticker whose timer is due runs when the
hog yields, so it wakes at most one slice late.
"""

import gevent
from gevent.event import Event

from fibers import gevent_glue
from scenarios.common import Tally
from scenarios.fairness import Timeline, result, slices

MECHANISM = "cooperative: gevent.sleep(0) to the hub between slices"


def ticker(timeline, go, index, params):
    go.wait()  # -> hub; back when the hog starts
    for _tick in range(params["ticks"]):
        gevent.sleep(timeline.asleep(index))  # -> hub; back when due and the hog yields
        timeline.woke(index)
    return params["ticks"]


def hog(timeline, count):
    checksum = Tally()
    for index in range(count):
        checksum.add(timeline.compute(index))  # slice_ms of arithmetic: no other greenlet runs
        gevent.sleep(0)  # -> hub, which runs tickers whose timer is due; back after them
    return checksum.as_dict()


def run_fair(params, probe):
    timeline, go = Timeline(params), Event()
    tickers = [gevent_glue.spawn(ticker, timeline, go, index, params, name=f"ticker-{index}")
               for index in range(params["tickers"])]
    gevent_glue.yield_()  # -> hub, which starts the tickers, each to its wait; back after them
    gevent_glue.snapshot(probe, tickers)  # -> hub, probe
    go.set()
    hogging = gevent_glue.spawn(hog, timeline, slices(params), name="hog")
    checksum = hogging.get()  # -> hub, tickers, hog; back at its end
    ticks = [unit.get() for unit in tickers]  # -> hub, tickers; back as each ends
    timeline.record(probe)
    return result(ticks, checksum)


def run(params, probe):
    return gevent_glue.run(run_fair, params, probe)
