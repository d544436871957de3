"""The timing plan: what a timed value runs, how many values, in what order, on which clock.

Everything here is a function of the scenario, its parameters, the model and the plan the
user chose; none of it reads the machine's load, so two runs of one command time the
same work (docs/timing.md). The one exception is stated where it is made: a run
that cannot be made shorter (its size is what the scenario shows) and lasts long
takes fewer values per process, by the check run's time.
"""

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """How a timing is taken: `processes` fresh timed workers, each taking `values` values
    after its in-process warm-up; with size_values, a run of more than TIMED_OPS ops is timed
    at fewer repetitions of the spec's TIME_BY parameter (timed_params), and a long run that
    has no such parameter takes fewer values per process (values_per_process)."""
    name: str
    processes: int
    values: int
    size_values: bool


# fast and default take the same number of values (9), so their pyperf files compare
# (`pyperf compare_to` needs equal counts); fast takes them in one process.
PLANS = {
    "fast": Plan("fast", 1, 9, True),
    "default": Plan("default", 3, 3, True),
    "rigorous": Plan("rigorous", 6, 5, False),  # and every value at the requested size
    "check": Plan("check", 0, 0, False),  # no timed process: the check run's time is the one value (sweeps
                                          # that ask only whether a size finishes: a million tasks)
}

# A timed run does at most this many ops when the spec's TIME_BY may make it shorter: 10,000
# round trips, items or suspensions are 5-10 ms on greenlet and 0.2-0.4 s on threads, and the
# worker's loop count makes every value last 50 ms (fiberlab/worker.py VALUE_MIN_S).
TIMED_OPS = 10_000
VALUE_MAX_S = 0.12  # a run at its requested size longer than this takes fewer values per process
PROCESS_VALUES_S = 0.5  # ...about this long's worth of them, at least one
WARMUP_SHARE = 10  # such a long run's warm-up runs at 1/WARMUP_SHARE of its task count (warmup_params)
# A value is disturbed when the kernel took the CPU from its process more often than this per
# second of the value (getrusage's involuntary context switches): an idle core preempts a
# single-threaded worker a few times a second (kernel threads, timers), a shared one hundreds.
DISTURBED_SWITCHES_PER_S = 20


def timed_params(spec, params, plan):
    """The parameters the timed values run at: the requested ones, or, when the plan sizes values
    and a run does more than TIMED_OPS ops, the spec's TIME_BY parameter scaled down to TIMED_OPS
    (never below its minimum; spec.timed_size may keep more). The same for every model of a run."""
    name = spec.TIME_BY
    ops = spec.ops(params)
    if not plan.size_values or name is None or ops <= TIMED_OPS:
        return params
    param = next(param for param in spec.PARAMS if param.name == name)
    value = max(param.minimum, params[name] * TIMED_OPS // ops)
    if spec.timed_size is not None:
        value = spec.timed_size(value, params)
    return dict(params, **{name: value}) if value < params[name] else params


def fixed_params(spec, timing_params):
    """Where the fixed part of a run is timed (the spec's MARGINAL: deep_chain's build and unwind),
    beside every value at timing_params; None where the spec has no MARGINAL, or where the timed
    run does fewer than its `times` the fixed run's ops (deep_chain: under 1,000 suspensions), so
    the difference would be lost in the fixed part's noise: such a run is timed whole."""
    if spec.MARGINAL is None:
        return None
    overrides, _op, _fixed, times = spec.MARGINAL
    fixed = dict(timing_params, **overrides)
    return fixed if spec.ops(timing_params) >= times * spec.ops(fixed) else None


def long_run(spec, plan, run_s):
    """True when a run that keeps its requested size (the spec has no TIME_BY: spawn's leaves,
    connections, idle's tasks) lasted run_s > VALUE_MAX_S in the check, under a sized plan."""
    return plan.size_values and spec.TIME_BY is None and run_s is not None and run_s > VALUE_MAX_S


def values_per_process(spec, plan, run_s):
    """Values per timed process: the plan's, or, for a long_run(), as many as fit in
    PROCESS_VALUES_S, at least one (so at least `processes` values). This count follows the
    check's time (a budget), the only part of a plan that does."""
    if not long_run(spec, plan, run_s):
        return plan.values
    return max(1, min(plan.values, int(PROCESS_VALUES_S / run_s)))


def tenth(spec, params):
    """The requested parameters at a tenth of the spec's task count (not below its minimum),
    or None where the spec has no task count or a tenth would be no smaller."""
    if spec.TASK_COUNT is None:
        return None
    name, _units = spec.TASK_COUNT
    param = next(param for param in spec.PARAMS if param.name == name)
    smaller = max(param.minimum, params[name] // WARMUP_SHARE)
    return dict(params, **{name: smaller}) if smaller < params[name] else None


def warmup_params(spec, params, run_s, plan):
    """Where a timed process warms up: at the timed size (None), or, for a long_run() (a spawn
    of 100,000 leaves, 1,000 connections, 10,000 idle threads), at a tenth of its task count. A
    warm-up loads the code, fills the caches and the allocator's pools; a run of a tenth does all
    that in a tenth of the time (docs/timing.md). The warm-up's result is checked against the
    reference too, and the worker scales its time to the timed size to decide the loop count."""
    return tenth(spec, params) if long_run(spec, plan, run_s) else None


def plan_for_sweep(plan):
    """A sweep's plan: every value at the point's own size. The sweep varies a size, and a smaller
    TIME_BY would change what one point's ns per op holds."""
    return dataclasses.replace(plan, size_values=False)


def clock(spec, model):
    """The clock a model's verdicts use: "cpu" (the worker's CPU time) for a single-threaded model
    on a scenario that never waits, so another process taking the core between our instructions
    costs nothing; "wall" for OS threads (the kernel's hand-overs are the work, and idle time
    between them is part of it) and for a scenario that waits on timers or sockets (spec.WAITS)."""
    return "wall" if spec.WAITS or model.scheduler == "kernel scheduler" else "cpu"


# Models whose runtimes can share one process for the shared pass (fiberlab/worker.py): none patches
# or replaces anything global (gevent's hub and uvloop's loop policy do; threads bring the kernel's
# scheduler), so a value of one is the same whether the other is loaded or not.
SHARED = frozenset({"greenlet", "coroutines", "asyncio"})


def shared_pairs(pairs, plan):
    """The (a, b) of `pairs` (fiberlab/comparison.py standard_pairs) that the shared pass times in
    one process, `plan.processes` such processes a pair; none under a plan without timed processes."""
    return [(a, b) for a, b in pairs if a in SHARED and b in SHARED] if plan.processes else []


def order(model_ids, processes):
    """[(process index, model id)]: the timed processes round-robin across the models, each round
    starting one model later, so a slow minute of the machine hits every model alike and each
    model's process of round r is next in time to the others' (the pairs of fiberlab/comparison.py)."""
    model_ids = list(model_ids)
    return [(index, model_ids[(index - 1 + step) % len(model_ids)])
            for index in range(1, processes + 1) for step in range(len(model_ids))] if model_ids else []


def disturbed(switches, wall_values, loops):
    """How many values the kernel took the CPU from more than DISTURBED_SWITCHES_PER_S times a second
    (wall_values are seconds per run, `loops` runs a value); None where the worker did not count
    switches (a native binary)."""
    if not switches:
        return None
    return sum(1 for count, wall in zip(switches, wall_values)
               if count > DISTURBED_SWITCHES_PER_S * max(wall * loops, 1e-3))
