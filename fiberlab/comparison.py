"""Ratios between two models of one run, from values taken close in time.

The closest pairs come from the shared pass, where two models whose runtimes can share a
process took turns in one (fiberlab/worker.py shared_values). Otherwise the timed processes
of a run go round-robin across its models (fiberlab/timing_plan.py order), so model A's
process r and model B's process r ran next to each other: their k-th values are a pair,
each divided by the floor value timed right after it where the scenario has a floor (the
machine's speed then, on the same work for both). A ratio A / B is the geometric mean of
the pairs' ratios, with its 95% interval from those pairs (fiberlab/stats.py paired_ratio;
the process is the unit where processes differ), judged faster / slower / same within
noise. Both sides are read on one clock: CPU time when both models are judged on it, else
wall time (docs/timing.md).

This module only reads a result; the table prints its verdict lines, `fiberlab compare`
does the same across two results.
"""

from fiberlab import stats

# The 2x2's rows: within one kind of scheduler, each stackful model against each stackless one.
SCHEDULERS = ("own scheduler", "production runtime", "native")


def _clock(entry):
    return (entry.get("timing") or {}).get("clock") or "wall"


def _values(entry, clock, over_floor):
    """{(process, k): seconds per op}: the entry's k-th value of each process, on `clock`; with
    over_floor, each divided by the floor value its worker timed right after it."""
    timing = entry["timing"]
    values = (entry["cpu_s"] if clock == "cpu" else entry["wall_s"])["values"]
    floors = (entry.get("floor_values") or {}).get(f"{clock}_ns_per_op") if over_floor else None
    processes = timing.get("value_processes") or [1] * len(values)
    out, seen = {}, {}
    for index, (value, process) in enumerate(zip(values, processes)):
        k = seen[process] = seen.get(process, 0) + 1
        out[(process, k)] = value / timing["ops"] / (floors[index] if floors else 1)
    return out


def _floored(entry):
    floors = (entry.get("floor_values") or {}).get("wall_ns_per_op") or []
    return len(floors) == len(entry["wall_s"]["values"]) and all(floor > 0 for floor in floors)


def _shared(result, a, b, clock):
    """(pairs, processes) of a and b from the shared pass (values taking turns in one process), or None."""
    for record in result.get("shared") or []:
        if {record["a"], record["b"]} == {a, b} and "error" not in record:
            mine, theirs = (record["a_values"], record["b_values"])[::1 if record["a"] == a else -1]
            return list(zip(mine[clock], theirs[clock])), record["process"]
    return None


# How a ratio's pairs were taken, strongest first (docs/timing.md, "Comparisons").
ONE_PROCESS = "one process, values taking turns"
OVER_FLOOR = "adjacent processes, each value over the floor timed beside it"
ADJACENT = "adjacent processes"


def paired_ratio(result, a, b):
    """The ratio model a / model b of one result ({"a", "b", "clock", "method", "ratio", "ci95",
    "ci_unit", "pairs", "verdict", "noisy"}), or None when either is not ok, was not timed, or
    they share no pair. The pairs: from the shared pass where a and b took turns in one process;
    else the k-th values of their processes of one round, each over the floor value beside it
    where both have a floor (the machine's speed at that moment, measured on the same work)."""
    entries = result["models"]
    one, other = entries.get(a), entries.get(b)
    if not one or not other or "ok" != one["status"] or "ok" != other["status"]:
        return None
    if not one.get("timing") or not other.get("timing") or not one["timing"].get("ops") or not other["timing"].get("ops"):
        return None
    clock = "cpu" if _clock(one) == _clock(other) == "cpu" else "wall"
    shared = _shared(result, a, b, clock)
    if shared:
        ratio = stats.paired_ratio(*shared)
        method = ONE_PROCESS
    else:
        over_floor = _floored(one) and _floored(other)
        mine, theirs = _values(one, clock, over_floor), _values(other, clock, over_floor)
        keys = sorted(key for key in mine if key in theirs)
        ratio = stats.paired_ratio([(mine[key], theirs[key]) for key in keys], [process for process, _k in keys])
        method = OVER_FLOOR if over_floor else ADJACENT
    return dict(ratio, a=a, b=b, clock=clock, method=method) if ratio else None


def standard_pairs(result):
    """[(stackful model, stackless model)] of one result: for each kind of scheduler, every
    stackful model against every stackless one (greenlet / coroutines, gevent / asyncio, ...)."""
    by_kind = {}
    for model_id, entry in result["models"].items():
        kind = entry.get("kind") or {}
        by_kind.setdefault((kind.get("scheduler"), kind.get("stack")), []).append(model_id)
    return [(stackful, stackless) for scheduler in SCHEDULERS
            for stackful in by_kind.get((scheduler, "stackful"), [])
            for stackless in by_kind.get((scheduler, "stackless"), [])]


def paired_ratios(result, pairs=None):
    """paired_ratio() for each (a, b) of `pairs` (default: standard_pairs), those that have one."""
    found = (paired_ratio(result, a, b) for a, b in (standard_pairs(result) if pairs is None else pairs))
    return [ratio for ratio in found if ratio]


def describe(ratio):
    """One line: "greenlet / coroutines: ×1.15 [1.12–1.19] (cpu time, 9 pairs, <method>): greenlet is slower"."""
    interval = f" [{ratio['ci95'][0]:.2f}–{ratio['ci95'][1]:.2f}]" if ratio["ci95"] else ""
    verdict = {stats.SAME: "the same within noise"}.get(ratio["verdict"], f"{ratio['a']} is {ratio['verdict']}")
    return (f"{ratio['a']} / {ratio['b']}: ×{ratio['ratio']:.2f}{interval} ({ratio['clock']} time, "
            f"{ratio['pairs']} pairs, {ratio['method']}): {verdict}")
