"""fairness on asyncio: the hog awaits sleep(0) between slices, and the loop runs who is due.

Read beside greenlet_fibers.py, gevent_hub.py, coroutines_bare.py and
threads.py; only how a unit waits, sleeps and yields differs. Nothing takes
the CPU from a running task: a ticker whose timer is due runs when the hog
awaits, so it wakes at most one slice late.
"""

import asyncio

import coroutines
from scenarios.common import Tally
from scenarios.fairness import Timeline, result, slices

MECHANISM = "cooperative: await asyncio.sleep(0) to the loop between slices"


async def ticker(timeline, go, index, params):
    loop = asyncio.get_running_loop()
    await go.wait()  # -> loop; back when the hog starts
    for _tick in range(params["ticks"]):
        await sleep(loop, timeline, index)  # -> loop; back when due and the hog yields
        timeline.woke(index)
    return params["ticks"]


async def sleep(loop, timeline, index):
    """asyncio.sleep(period) as asyncio.sleep does it (a future the loop's timer resolves),
    keeping the timer to read the deadline the loop promised (coroutines.deadline: uvloop rounds
    the period to whole ms, and below half a ms runs the callback at once)."""
    woken = loop.create_future()
    timer = loop.call_later(timeline.asleep(index), woken.set_result, None)
    timeline.promised(index, coroutines.deadline(timer))
    await woken  # -> loop; back when the timer has fired and the hog yields


async def hog(timeline, count):
    checksum = Tally()
    for index in range(count):
        checksum.add(timeline.compute(index))  # slice_ms of arithmetic: no other task runs
        await asyncio.sleep(0)  # -> loop, which runs tickers whose timer is due; back after them
    return checksum.as_dict()


async def run_fair(params, probe):
    timeline, go = Timeline(params), asyncio.Event()
    tickers = [asyncio.create_task(ticker(timeline, go, index, params), name=f"ticker-{index}")
               for index in range(params["tickers"])]
    await asyncio.sleep(0)  # -> loop, which starts the tickers, each to its wait; back after them
    await coroutines.snapshot(probe, tickers)  # -> loop, probe
    go.set()
    hogging = asyncio.create_task(hog(timeline, slices(params)), name="hog")
    checksum = await hogging  # -> loop, tickers, hog; back at its end
    ticks = [await unit for unit in tickers]  # -> loop, tickers; back as each ends
    timeline.record(probe)
    return result(ticks, checksum)


def run(params, probe):
    return coroutines.run(run_fair(params, probe))
