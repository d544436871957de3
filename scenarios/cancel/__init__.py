"""cancel — cancellation and timeouts through a deep chain: does every `finally` run, in order?

`tasks` chains each descend `depth` levels; every level has a `finally` that
records its cleanup, and the bottom waits for a start signal, then for
something that never comes. The even chains are cancelled from outside, one
at a time (the canceller waits for each to end); the odd ones time out
`timeout_ms` after the start signal. The result is, per chain, how it ended and
the order its levels cleaned up in (bottom first: depth, ..., 1), as an
order-sensitive checksum: a runtime that skips a `finally` or runs them out of
order fails the match.

How each model cancels is its MECHANISM: asyncio task.cancel() and
asyncio.timeout, gevent Greenlet.kill and gevent.Timeout, an exception thrown
into the suspended fiber or coroutine (and a timer unit that throws one),
and for threads a cooperative flag: a thread cannot be cancelled from
outside, so its bottom waits on an Event the canceller sets, with a timeout.
Records: cancel_to_end_s (from the cancel call to the chain's end, p50/p99),
cancel_ns_per_level (their sum over the levels they unwound), and
timeout_to_end_s (from the deadline the chain's timeout was armed with to the
chain's end: timeout_ms after it armed it, or the loop's own deadline on asyncio
and uvloop). One op is one level unwound.
"""

from time import perf_counter

from scenarios.common import Tally
from scenarios.connections.samples import summarize as distribution
from scenarios.spec import Param, Spec

SUMMARY = ("N chains suspended D deep: half cancelled, half timed out; "
           "every finally must run, in order")

PARAMS = (
    Param("tasks", 1_000, 2, 5_000, "chains; the even ones are cancelled, the odd ones time out"),
    Param("depth", 50, 1, 2_000, "levels per chain, each with a finally that records its cleanup"),
    Param("timeout_ms", 20.0, 0.0, 60_000.0,
          "ms after the start signal at which the odd chains time out", kind=float),
)

TASK_COUNT = ("tasks", 1)
# Not TIME_BY: tasks is how many chains are cancelled at once (a scale), so it is timed at the
# requested size.
SMALL = {"tasks": 6, "depth": 7, "timeout_ms": 1.0}  # quick correctness check in the tests
IDLE = {"timeout_ms": 0.0}
CANCELLED, TIMED_OUT = "cancelled", "timed out"
RECURSION_MARGIN = 200  # frames above the chain: scheduler, hub or loop, probe


class Cancelled(Exception):
    """What greenlet fibers and bare coroutines throw into a chain to cancel it."""


class TimedOut(Exception):
    """What a timer throws into a chain whose deadline passed (fibers, coroutines, threads)."""


def recursion_limit(params):
    return max(1000, params["depth"] + RECURSION_MARGIN)


def ops(params):
    return params["tasks"] * params["depth"]


def timed(task):
    """The odd chains time out; the even ones are cancelled."""
    return task % 2 == 1


def chain_result(task, ended, cleanup):
    return {"task": task, "ended": ended, "cleanup": cleanup.as_dict()}


def reference(params):
    chains = []
    for task in range(params["tasks"]):
        cleanup = Tally()
        for level in range(params["depth"], 0, -1):
            cleanup.add(level)
        chains.append(chain_result(task, TIMED_OUT if timed(task) else CANCELLED, cleanup))
    return chains


def summarize(result):
    """What of the result to print beside its digest."""
    ended = [chain["ended"] for chain in result]
    return {CANCELLED: ended.count(CANCELLED), TIMED_OUT: ended.count(TIMED_OUT)}


class Link:
    """One chain's part of the run: its number, its cleanup log, and (in the
    model file) its unit and whatever else the model waits on."""

    def __init__(self, task, params, clock):
        self.task, self.clock, self.cleanup = task, clock, Tally()
        self.timeout_s = params["timeout_ms"] / 1e3 if timed(task) else None  # None: no timeout
        self.chain = None

    def arming(self, deadline=None):
        """The chain arms its timeout now (nothing for a chain without one): it is due timeout_s
        from now, or at `deadline` where the runtime sets its own (the asyncio loop's timer, on
        the loop's clock, which on Linux is CLOCK_MONOTONIC as perf_counter is). uvloop's clock
        counts whole milliseconds, so its deadline falls up to 1 ms before now + timeout_s."""
        if self.timeout_s is not None:
            due = perf_counter() + self.timeout_s if deadline is None else deadline
            self.clock.due(self.task, due)

    def result(self, ended):
        self.clock.ended(self.task)
        return chain_result(self.task, ended, self.cleanup)


class Clock:
    """When each chain was cancelled or reached its deadline, and when it ended:
    not canonical, so never in the result. Each chain writes its own keys."""

    def __init__(self, params):
        self.depth = params["depth"]
        self.cancelled_at, self.ended_at, self.due_at = {}, {}, {}

    def due(self, task, deadline):
        self.due_at[task] = deadline

    def cancelling(self, task):
        self.cancelled_at[task] = perf_counter()

    def ended(self, task):
        self.ended_at[task] = perf_counter()

    def record(self, probe):
        cancel = [self.ended_at[task] - at for task, at in self.cancelled_at.items()]
        timed_out = [task for task in self.ended_at if task not in self.cancelled_at]
        timeout = [self.ended_at[task] - self.due_at[task] for task in timed_out]
        probe.record("cancel_to_end_s", distribution(cancel))
        probe.record("timeout_to_end_s", distribution(timeout))
        per_level = round(sum(cancel) / (len(cancel) * self.depth) * 1e9) if cancel else None
        probe.record("cancel_ns_per_level", per_level)


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="cancel", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, TASK_COUNT=TASK_COUNT, IDLE=IDLE, summarize=summarize,
            recursion_limit=recursion_limit,
            WAITS=True)  # the odd chains wait for their timeout: judged on wall time
