"""Timings a connections run takes on the side: not canonical, so never in the result.

Clients write one float per round trip and per connect into arrays sized up
front (no allocation on the hot path); summary() turns them into small dicts
once the traffic is over, and record() hands those to the probe.
"""

from array import array
from time import perf_counter

NOT_MEASURED = float("nan")


class Samples:
    def __init__(self, connections, messages):
        self.messages = messages
        # NaN until written: a message a dropped connection never got back has no round trip.
        # [connection * messages + index]
        self.round_trip_s = array("d", [NOT_MEASURED]) * (connections * messages)
        self.connect_each_s = array("d", [NOT_MEASURED]) * connections  # [connection]
        self.started = perf_counter()  # when the first wave began to connect
        self.connect_s = None  # first connect to every connection open

    def connected(self, connection, seconds):
        self.connect_each_s[connection] = seconds

    def round_trip(self, connection, index, seconds):
        self.round_trip_s[connection * self.messages + index] = seconds

    def all_connected(self):
        self.connect_s = perf_counter() - self.started

    def summary(self):
        return {
            "latency_s": summarize(self.round_trip_s),
            "connect_latency_s": summarize(self.connect_each_s),
            "connect_s": self.connect_s,
            "connects_per_s": len(self.connect_each_s) / self.connect_s if self.connect_s else None,
        }


def summarize(values):
    """count, mean, min, p50, p90, p99, max of a sequence of seconds (NaN: not measured,
    left out)."""
    ordered = sorted(value for value in values if value == value)  # NaN is unequal to itself
    if not ordered:
        return {"count": 0}

    def rank(fraction):
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {
        "count": len(ordered),
        "mean": sum(ordered) / len(ordered),
        "min": ordered[0],
        "p50": rank(0.50),
        "p90": rank(0.90),
        "p99": rank(0.99),
        "max": ordered[-1],
    }


def record(probe, summary):
    for name, value in summary.items():
        probe.record(name, value)
