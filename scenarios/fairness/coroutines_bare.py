"""fairness on bare coroutines: the hog awaits a yield trap between slices.

Read beside greenlet_fibers.py (the same scheduler design, with stacks),
gevent_hub.py, asyncio_tasks.py and threads.py; only how a unit waits, sleeps
and yields differs. Nothing takes the CPU from a running task: a ticker whose
tick is due runs when the hog yields, so it wakes at most one slice late.
"""

from coroutines import bare
from scenarios.common import Tally
from scenarios.fairness import Timeline, result, slices

MECHANISM = "cooperative: a yield trap to our loop between slices"


async def ticker(timeline, index, params):
    await bare.park()  # -> next task; back when the hog starts
    for _tick in range(params["ticks"]):
        await bare.sleep(timeline.asleep(index))  # -> other tasks; back when due and the hog yields
        timeline.woke(index)
    return params["ticks"]


async def hog(timeline, count):
    checksum = Tally()
    for index in range(count):
        checksum.add(timeline.compute(index))  # slice_ms of arithmetic: no other task runs
        await bare.yield_()  # -> tickers whose sleep is over; back after them
    return checksum.as_dict()


async def run_fair(params, probe):
    timeline = Timeline(params)
    tickers = [bare.spawn(ticker, timeline, index, params, name=f"ticker-{index}")
               for index in range(params["tickers"])]
    await bare.yield_()  # -> tickers, each to its park; back after them
    await bare.snapshot(probe, tickers)  # -> probe
    for unit in tickers:
        bare.ready(unit)
    hogging = bare.spawn(hog, timeline, slices(params), name="hog")
    checksum = await bare.join(hogging)  # -> tickers, hog; back at its end
    ticks = [await bare.join(unit) for unit in tickers]  # -> tickers; back as each ends
    timeline.record(probe)
    return result(ticks, checksum)


def run(params, probe):
    return bare.run(run_fair, params, probe)
