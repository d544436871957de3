"""idle — N tasks parked on one shared event: what one suspended task costs, alone.

The main task creates `tasks` tasks; each parks on one shared event at once.
When every task waits, the probe looks; then main sets the event, every task
wakes and returns its id, and main joins them in order and tallies the ids.
Nothing else is alive per task: no queue, no channel, no partner, so the
memory slope (bytes per task) is the price of a suspended task itself, the
figure pingpong's tasks carry their hand-over objects on top of. The run also
records how long creating a task takes (Clock: from the first spawn until
every task waits, per task: create, start, park).

Read the model files side by side: they differ only in how a task is made,
how it waits on the event, and how the event wakes it.
"""

import time

from scenarios.common import Tally
from scenarios.spec import Param, Spec

SUMMARY = "N tasks parked on one shared event; bytes per suspended task, ns to create one"

PARAMS = (Param("tasks", 10_000, 1, 1_000_000, "tasks parked on the event at once"),)

TASK_COUNT = ("tasks", 1)  # memory per task is a slope over the task count
SMALL = {"tasks": 50}  # quick correctness check in the tests


def ops(params):
    """One op is one task: created, parked, woken, joined."""
    return params["tasks"]


class Clock:
    """Times creation: started before the first spawn, read once every task waits."""

    def __init__(self, probe):
        self.probe = probe
        self.started = time.perf_counter()

    def all_parked(self, tasks):
        elapsed = time.perf_counter() - self.started
        self.probe.record("create_ns_per_task", elapsed / tasks * 1e9 if tasks else None)


def reference(params):
    tally = Tally()
    for task in range(params["tasks"]):
        tally.add(task)
    return tally.as_dict()


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="idle", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference, SMALL=SMALL,
            TASK_COUNT=TASK_COUNT)
