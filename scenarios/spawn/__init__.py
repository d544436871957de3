"""spawn — a tree of tasks, 10 children per node (the skynet benchmark's shape).

The root spawns 10 children, each spawns 10, down to `leaves` leaves; a leaf
returns its index, every inner node waits for its 10 children and returns
their sum, so the root returns 0 + 1 + ... + (leaves - 1). A 1,000,000-leaf
tree is 1,111,111 tasks. The question: what does it cost to create a task,
and what does a task that waits for its children keep alive?

Every model's run queue is FIFO, so the tree is built breadth first: each
level is spawned in full before the next one runs, and the first leaf runs
only after every task of the tree exists and every inner node waits in its
join. That is the peak, and where the probe looks (see Watch).
"""

import time

from scenarios.spec import Param, ParamError, Spec

SUMMARY = "a tree of tasks, 10 children per node; cost of creating a task, memory at the peak"

FANOUT = 10  # children per inner node


class PowerOfTen(Param):
    """A Param that also has to be a power of FANOUT, so every inner node has exactly 10
    children."""

    def check(self, value):
        super().check(value)
        if not is_power_of_ten(value):
            raise ParamError(f"{self.name} must be a power of 10 (10, 100, ..., 10,000,000), "
                             f"got {value:,}")


def is_power_of_ten(value):
    while value % FANOUT == 0:
        value //= FANOUT
    return value == 1


PARAMS = (PowerOfTen("leaves", 100_000, 10, 10_000_000,
                     "leaves of the tree, a power of 10 (tasks: about 1.11x)"),)

# quick correctness check in the tests: 111 tasks, inner nodes joining at two levels
SMALL = {"leaves": 100}
# Not TIME_BY: leaves is the size the scenario shows (a tree of 100,000), so it is timed at that
# size. Every task of the tree is alive at the peak, (10 * leaves - 1) / 9 of them: about 10/9 per
# leaf.
TASK_COUNT = ("leaves", 10 / 9)


def slope_counts(_params):
    """Leaves of the two memory-slope runs: powers of ten (111 and 1,111 tasks alive at the
    peak), small enough for the threads model's limit on threads alive."""
    return (100, 1_000)


def tasks(leaves):
    """Every task of the tree: 1 + 10 + ... + leaves."""
    return (FANOUT * leaves - 1) // (FANOUT - 1)


# What one live task of the tree holds, per model, for the memory guard (fiberlab/memory_guard.py):
# USS delta / tasks at leaves=100,000 (`python -m fiberlab run spawn --param leaves=100000 --repeat
# 1`, Python 3.11: greenlet 1,648 B, gevent 1,873, asyncio 1,208, uvloop 1,260, coroutines 937),
# rounded up by about a quarter; threads: an OS thread's touched stack and state, generously. C++:
# peak RSS / tasks at leaves=1,000,000 (cpp_coroutines 376 B, cpp_fibers 655 B; cpp_ucontext adds a
# 936-byte ucontext_t per fiber), rounded up likewise.
MEMORY_PER_TASK = {"greenlet": 2_100, "gevent": 2_400, "asyncio": 1_500, "uvloop": 1_600,
                   "coroutines": 1_200, "threads": 64 * 1024, "cpp_coroutines": 500,
                   "cpp_fibers": 850, "cpp_ucontext": 2_000}


def tasks_alive(params):
    """At the peak (the first leaf), every task of the tree is alive."""
    return tasks(params["leaves"])


def ops(params):
    """One op is one task: created, started, finished, joined."""
    return tasks(params["leaves"])


def child_range(base, size, child):
    """The first leaf index and leaf count of a node's child-th child."""
    step = size // FANOUT
    return base + child * step, step


class Watch:
    """What travels down the leftmost path of the tree only (None elsewhere, so
    the other 1.1 million tasks carry no cost): the probe, when the run began,
    and the tasks on the path, which are the ones the probe describes.

    The probe looks once, when the first leaf (index 0) runs: by then, with
    FIFO run queues, every task of the tree has been created and none has
    finished, so memory is at its peak, and every inner node on the path is
    suspended in its join. Creation rate = tasks of the tree / time until then."""

    def __init__(self, probe):
        self.probe = probe
        self.started = time.perf_counter()
        self.path = []  # root first; each model appends its current task

    def at_first_leaf(self, leaves):
        elapsed = time.perf_counter() - self.started
        created = tasks(leaves)
        self.probe.record("tasks_created", created)
        self.probe.record("tasks_created_per_s", round(created / elapsed) if elapsed > 0 else None)
        self.probe.record("seconds_to_first_leaf", elapsed)


def total(base, size):
    """The sum a node returns, computed by walking the same tree in one thread."""
    if size == 1:
        return base
    return sum(total(*child_range(base, size, child)) for child in range(FANOUT))


def reference(params):
    return {"sum": total(0, params["leaves"])}


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="spawn", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference, SMALL=SMALL,
            TASK_COUNT=TASK_COUNT, slope_counts=slope_counts, MEMORY_PER_TASK=MEMORY_PER_TASK,
            tasks_alive=tasks_alive)
