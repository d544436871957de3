"""fairness on OS threads: the interpreter takes the GIL from the hog every switch interval.

Read beside greenlet_fibers.py, gevent_hub.py, asyncio_tasks.py and
coroutines_bare.py; only how a unit waits, sleeps and yields differs. Here
the hog need not yield: a ticker whose sleep is over asks for the GIL, and
the interpreter makes the hog drop it within sys.getswitchinterval()
(recorded), mid-slice. So wake-ups fall inside slices, and lateness is
bounded by the switch interval rather than by the slice.
"""

import threading
import time

import os_threads
from scenarios.common import Tally
from scenarios.fairness import Timeline, result, slices

MECHANISM = "preemptive: the interpreter's switch interval, and sleep(0) between slices"


def threads_needed(params):
    return params["tickers"] + 2  # the tickers, the hog, the probe's own


def ticker(timeline, go, index, params):
    os_threads.block(go.wait)  # -> kernel; back when the hog starts
    for _tick in range(params["ticks"]):
        os_threads.block(time.sleep, timeline.asleep(index))  # -> kernel; back when due
        timeline.woke(index)
    return params["ticks"]


def hog(timeline, count):
    checksum = Tally()
    for index in range(count):
        checksum.add(timeline.compute(index))  # slice_ms of arithmetic; the GIL preempts it
        os_threads.block(time.sleep, 0)  # -> kernel: the GIL to whoever waits; back at once
    return checksum.as_dict()


def run_fair(params, probe):
    timeline, go = Timeline(params), threading.Event()
    tickers = [os_threads.spawn(ticker, timeline, go, index, params, name=f"ticker-{index}")
               for index in range(params["tickers"])]
    os_threads.snapshot(probe, tickers)  # -> kernel, probe
    go.set()
    hogging = os_threads.spawn(hog, timeline, slices(params), name="hog")
    checksum = os_threads.join(hogging)  # -> kernel; back at its end
    ticks = [os_threads.join(unit) for unit in tickers]  # -> kernel; back as each ends
    timeline.record(probe, switch_interval=True)
    return result(ticks, checksum)


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(run_fair, params, probe)
