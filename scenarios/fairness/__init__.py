"""fairness — one task computes without yielding; how late do the others wake?

One hog computes in `slices` slices of `slice_ms` each and yields only between
slices; `tickers` tickers each sleep `period_ms` and wake, `ticks` times. The
hog works about as long as the tickers want to tick (slices = ticks x period
/ slice). A wake-up's lateness is how long after the wake-up time its runtime promised
it ran (a period after it went to sleep, or the loop timer's own deadline).
The result — each ticker's tick count and the hog's checksum over its slices —
is the same for every model, however late anyone woke. The records are what
differs: each wake-up's lateness (p50, p99, max) and how the wake-ups fell
against the hog's slices.

A cooperative model (greenlet, gevent, asyncio, uvloop, coroutines) runs a
ticker only when the hog yields, so lateness is bounded by one slice and no
wake-up falls inside a slice. Threads are preempted by the interpreter every
sys.getswitchinterval() (recorded), so wake-ups fall inside slices and
lateness is bounded by the switch interval instead. One op is one wake-up.
"""

import bisect
import math
import sys
from time import perf_counter

from scenarios.common import Tally
from scenarios.connections.samples import summarize as distribution
from scenarios.spec import Param, Spec

SUMMARY = ("one task computes in W ms slices without yielding; "
           "lateness of T tickers that want every P ms")

PARAMS = (
    Param("slice_ms", 20.0, 0.01, 1_000.0, "ms the hog computes between two yields (W)",
          kind=float),
    Param("tickers", 10, 1, 1_000, "tasks that each want to wake every period_ms (T)"),
    Param("period_ms", 5.0, 0.1, 1_000.0, "ms between a ticker's wake-ups (P)", kind=float),
    Param("ticks", 40, 1, 100_000, "wake-ups per ticker (K); the hog works for ticks x period_ms"),
)

# quick correctness check in the tests
SMALL = {"slice_ms": 1.0, "tickers": 3, "period_ms": 1.0, "ticks": 6}
TIME_BY = "ticks"  # a shorter timed value: fewer wake-ups, and the hog works that much less
TIME_BY_REPEATS = True  # ...with the same tasks alive, so the tracemalloc run may use that size too
# Time per wake-up is mostly sleeping; what differs between models is how late they wake.
HEADLINE = ("lateness_s", "p99", "p99 lateness")
MASK = (1 << 48) - 1


def slices(params):
    """Slices the hog computes: enough to cover every ticker's ticks."""
    return max(1, math.ceil(params["ticks"] * params["period_ms"] / params["slice_ms"]))


def ops(params):
    return params["tickers"] * params["ticks"]


def result(ticks_per_ticker, hog):
    return {"ticks": list(ticks_per_ticker), "hog": hog}


def reference(params):
    hog = Tally()
    for index in range(slices(params)):
        hog.add(index)
    return result([params["ticks"]] * params["tickers"], hog.as_dict())


def summarize(result):
    """What of the result to print beside its digest."""
    return {"ticks per ticker": sorted(set(result["ticks"])), "hog slices": result["hog"]["count"]}


class Timeline:
    """What one run saw: not canonical, so never in the result.

    A ticker calls asleep(index) for how long to sleep (period_ms from now) and
    woke(index) once it runs again; the difference is that wake-up's lateness.
    Each ticker writes its own slot, and lists only grow by append (atomic
    under the GIL), so threads may share one Timeline."""

    def __init__(self, params):
        self.period_s, self.slice_s = params["period_ms"] / 1e3, params["slice_ms"] / 1e3
        self.due = [0.0] * params["tickers"]  # [ticker]: when its current sleep should end
        self.lateness, self.woken, self.spans = [], [], []

    def asleep(self, index):
        """The seconds ticker `index` sleeps now: one period, due a period from now."""
        self.due[index] = perf_counter() + self.period_s
        return self.period_s

    def promised(self, index, when):
        """The wake-up time the runtime set for this sleep, where it sets its own (an asyncio
        loop's timer): lateness counts from what was promised. uvloop's clock counts whole
        milliseconds, so it promises up to 1 ms before now + period, and measured from
        now + period it woke "early". `when` is on the loop's clock, which on Linux is
        CLOCK_MONOTONIC as perf_counter is (asyncio's time.monotonic, libuv's uv_hrtime)."""
        self.due[index] = when

    def woke(self, index):
        now = perf_counter()
        self.lateness.append(now - self.due[index])
        self.woken.append(now)

    def compute(self, index):
        """One slice: arithmetic for slice_s without yielding; returns the slice's index."""
        started = perf_counter()
        value, until = index, started + self.slice_s
        while perf_counter() < until:
            value = (value * 31 + 7) & MASK
        self.spans.append((started, perf_counter()))
        return index

    def record(self, probe, switch_interval=False):
        probe.record("lateness_s", distribution(self.lateness))
        probe.record("lateness_max_s", max(self.lateness) if self.lateness else None)
        # in order: one hog computes them one after another
        starts = [start for start, _end in self.spans]
        inside = sum(1 for when in self.woken
                     if (at := bisect.bisect(starts, when) - 1) >= 0 and when < self.spans[at][1])
        # a ticker ran while the hog was mid-slice: preemption
        probe.record("wakeups_inside_slices", inside)
        probe.record("wakeups_between_slices", len(self.woken) - inside)
        probe.record("slice_s", distribution([end - start for start, end in self.spans]))
        if switch_interval:
            probe.record("switch_interval_s", sys.getswitchinterval())


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="fairness", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, TIME_BY=TIME_BY, TIME_BY_REPEATS=TIME_BY_REPEATS, HEADLINE=HEADLINE,
            summarize=summarize, WAITS=True)  # tickers sleep between wake-ups: judged on wall time
