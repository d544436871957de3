"""fairness on greenlet fibers: the hog yields to our run queue between slices.

Read beside gevent_hub.py, asyncio_tasks.py, coroutines_bare.py and threads.py;
only how a unit waits, sleeps and yields differs. Nothing takes the CPU from
a running fiber: a ticker whose tick is due runs when the hog yields, so it
wakes at most one slice late.
"""

import fibers
from scenarios.common import Tally
from scenarios.fairness import Timeline, result, slices

MECHANISM = "cooperative: a yield to our run queue between slices"


def ticker(timeline, index, params):
    fibers.park()  # -> next fiber; back when the hog starts
    for _tick in range(params["ticks"]):
        fibers.sleep(timeline.asleep(index))  # -> other fibers; back when due and the hog yields
        timeline.woke(index)
    return params["ticks"]


def hog(timeline, count):
    checksum = Tally()
    for index in range(count):
        checksum.add(timeline.compute(index))  # slice_ms of arithmetic: no other fiber runs
        fibers.yield_()  # -> tickers whose sleep is over; back after them
    return checksum.as_dict()


def run_fair(params, probe):
    timeline = Timeline(params)
    tickers = [fibers.spawn(ticker, timeline, index, params, name=f"ticker-{index}")
               for index in range(params["tickers"])]
    fibers.yield_()  # -> tickers, each to its park; back after them
    fibers.snapshot(probe, tickers)  # -> probe
    for unit in tickers:
        fibers.ready(unit)
    hogging = fibers.spawn(hog, timeline, slices(params), name="hog")
    checksum = fibers.join(hogging)  # -> tickers, hog; back at its end
    ticks = [fibers.join(unit) for unit in tickers]  # -> tickers; back as each ends
    timeline.record(probe)
    return result(ticks, checksum)


def run(params, probe):
    return fibers.run(run_fair, params, probe)
