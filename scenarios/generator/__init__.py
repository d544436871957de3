"""generator — a lazily produced sequence; every item crosses one suspend/resume.

A producer makes `items` values one at a time, only when the consumer asks;
the consumer tallies them. Each item crosses exactly one suspend/resume
between producer and consumer: the cost of a lazy hand-over in each model.

Like for like (each file's MECHANISM says how it hands an item over):
- own scheduler, both columns direct: greenlet switches straight to the
  consumer ("direct switch"), coroutines traps once and our loop sends the
  item straight in ("direct send"). This row differs only in the stack model.
- production runtimes, both through their loop: gevent has no direct hand-over
  between greenlets (a raw greenlet.switch goes behind the hub's back), so its
  file uses a Channel ("channel via hub"); the asyncio file keeps one pass
  through the loop per item ("async generator + loop pass") so that its row
  differs from gevent's only in the stack model. This row differs from the one
  above it in the runtime — the loop pass is part of what the runtime costs.
- the direct stackless form on asyncio, an async generator consumed in place
  that never awaits, is a plain generator behind the async protocol; its floor,
  a plain Python generator over the same items, is timed in the same worker
  and shown as `vs gen` (BASELINE), so that figure is always beside the rows.
"""

from scenarios.common import Tally
from scenarios.spec import Param, Spec

SUMMARY = "a producer hands items to a consumer one at a time, each across one switch"

PARAMS = (Param("items", 100_000, 1, 10_000_000, "values the producer makes, one per hand-over"),)
TIME_BY = "items"  # a shorter timed value hands over fewer items, each the same hand-over
# ...and nothing more is alive at once, so the tracemalloc run may use that size too
TIME_BY_REPEATS = True

SMALL = {"items": 101}  # quick correctness check in the tests

BASELINE = ("scenarios.generator.plain_generator:items_handed_over", "vs gen",
            "the same items through a plain Python generator (generator/plain_generator.py)")

END = None  # what the producer hands over after the last item


def item(index):
    """The index-th value: deterministic, and not simply the index."""
    return (index * 2_654_435_761) % 4_294_967_296


def snapshot_at(items):
    """The probe looks when the consumer has taken this many items (the middle)."""
    return (items + 1) // 2


def ops(params):
    return params["items"]


def reference(params):
    tally = Tally()
    for index in range(params["items"]):
        tally.add(item(index))
    return tally.as_dict()


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="generator", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, BASELINE=BASELINE, TIME_BY=TIME_BY, TIME_BY_REPEATS=TIME_BY_REPEATS)
