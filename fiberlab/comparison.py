"""Ratios between two models of one run, from values taken close in time.

The timed processes of a run go round-robin across its models (fiberlab/timing_plan.py
order), so model A's process r and model B's process r ran next to each other: their
k-th values are a pair, and load that came and went during that round hit both. A
ratio A / B is the geometric mean of the pairs' ratios, with its 95% interval from
those pairs (fiberlab/stats.py paired_ratio; the process round is the unit where rounds
differ), judged faster / slower / same within noise. Both sides are read on one clock:
CPU time when both models are judged on it, else wall time (docs/timing.md).

This module only reads a result; the table prints its verdict lines, `fiberlab compare`
does the same across two results.
"""

from fiberlab import stats

# The 2x2's rows: within one kind of scheduler, each stackful model against each stackless one.
SCHEDULERS = ("own scheduler", "production runtime", "native")


def _clock(entry):
    return (entry.get("timing") or {}).get("clock") or "wall"


def _values(entry, clock):
    """{(process, k): seconds per op}: the entry's k-th value of each process, on `clock`."""
    timing = entry["timing"]
    values = (entry["cpu_s"] if clock == "cpu" else entry["wall_s"])["values"]
    processes = timing.get("value_process") or [1] * len(values)
    out, seen = {}, {}
    for value, process in zip(values, processes):
        k = seen[process] = seen.get(process, 0) + 1
        out[(process, k)] = value / timing["ops"]
    return out


def paired_ratio(result, a, b):
    """The ratio model a / model b of one result ({"a", "b", "clock", "ratio", "ci95", "ci_unit",
    "pairs", "verdict", "noisy"}), or None when either is not ok, was not timed, or they share no pair."""
    entries = result["models"]
    one, other = entries.get(a), entries.get(b)
    if not one or not other or "ok" != one["status"] or "ok" != other["status"]:
        return None
    if not one.get("timing") or not other.get("timing") or not one["timing"].get("ops") or not other["timing"].get("ops"):
        return None
    clock = "cpu" if _clock(one) == _clock(other) == "cpu" else "wall"
    mine, theirs = _values(one, clock), _values(other, clock)
    keys = sorted(key for key in mine if key in theirs)
    ratio = stats.paired_ratio([(mine[key], theirs[key]) for key in keys], [process for process, _k in keys])
    return dict(ratio, a=a, b=b, clock=clock) if ratio else None


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
    """One line: "greenlet / coroutines: ×1.15 [1.12–1.19] (cpu time, 9 pairs): greenlet is slower"."""
    interval = f" [{ratio['ci95'][0]:.2f}–{ratio['ci95'][1]:.2f}]" if ratio["ci95"] else ""
    verdict = {stats.SAME: "the same within noise"}.get(ratio["verdict"], f"{ratio['a']} is {ratio['verdict']}")
    return (f"{ratio['a']} / {ratio['b']}: ×{ratio['ratio']:.2f}{interval} ({ratio['clock']} time, "
            f"{ratio['pairs']} pairs): {verdict}")
