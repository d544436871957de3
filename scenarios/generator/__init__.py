"""generator — a lazily produced sequence; every item crosses one suspend/resume.

A producer makes `items` values one at a time, only when the consumer asks;
the consumer tallies them. Each item crosses exactly one suspend/resume
between producer and consumer: the cost of a lazy hand-over in each model.
"""

from scenarios.common import Tally
from scenarios.spec import Param

SUMMARY = "a producer hands items to a consumer one at a time, each across one switch"

PARAMS = (Param("items", 100_000, 1, 10_000_000, "values the producer makes, one per hand-over"),)
TIME_BY = "items"  # a shorter timed value hands over fewer items, each the same hand-over
TIME_BY_REPEATS = True  # ...and nothing more is alive at once, so the tracemalloc run may use that size too

SMALL = {"items": 101}  # quick correctness check in the tests

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
