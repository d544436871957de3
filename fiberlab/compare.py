"""`fiberlab compare OLD.json NEW.json`: what changed between two results, judged.

For every scenario x model present in both files (a single run's JSON or `run all`'s
{"runs": [...]}), one line: the time per op on each side and their ratio new / old with its
95% interval (fiberlab/stats.py unpaired_ratio: Welch's t on the log scale, so unequal value
counts are fine), judged faster / slower / same within noise as pyperf compare_to or
BenchmarkTools' judge do; and the peak RSS and bytes per task on each side, which are one
value a side (the check run), so they are judged by a stated tolerance instead: larger /
smaller / same within MEMORY_TOLERANCE. Rows on one side only are named at the end.
Both sides are read on one clock: CPU time where both rows were judged on it, else wall
time. Exit 0; unreadable input is one line on stderr and exit 2.
"""

import json

from fiberlab import output, stats
from fiberlab.options import EXIT_OK, UsageError
from fiberlab.table import human_bytes

MEMORY_TOLERANCE = 0.05  # one value a side has no interval: a change within 5% is called the same


def add_parser(verbs):
    parser = verbs.add_parser("compare", help="compare two results (--json files): time and memory, judged")
    parser.add_argument("old", help="the result to compare against (a --json file)")
    parser.add_argument("new", help="the result compared with it")
    return parser


def read(path):
    """{(scenario, model key): entry} of the ok rows of one --json file; UsageError if unreadable."""
    try:
        with open(path) as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise UsageError(f"compare: cannot read {path}: {exc}") from None
    runs = data.get("runs", [data]) if isinstance(data, dict) else None
    if not isinstance(runs, list) or not all(isinstance(run, dict) and "models" in run for run in runs):
        raise UsageError(f"compare: {path} is not a fiberlab result (no models)")
    return {(run["scenario"], key): entry for run in runs for key, entry in run["models"].items()
            if entry.get("status") == "ok" and entry.get("timing")}


def _per_op(entry, clock):
    timing = entry["timing"]
    values = (entry["cpu_s"] if clock == "cpu" else entry["wall_s"])["values"]
    return [value / timing["ops"] for value in values], timing.get("value_processes")


def time_change(old, new):
    """{"clock", "old_ns", "new_ns", "ratio", "ci95", "verdict"}: new / old per op, or None without ops."""
    if not old["timing"].get("ops") or not new["timing"].get("ops"):
        return None
    clocks = {(entry["timing"].get("clock") or "wall") for entry in (old, new)}
    clock = "cpu" if clocks == {"cpu"} else "wall"
    (old_values, old_groups), (new_values, new_groups) = _per_op(old, clock), _per_op(new, clock)
    if min(old_values + new_values) <= 0:
        return None
    change = stats.unpaired_ratio(new_values, old_values, new_groups, old_groups)
    return dict(change, clock=clock, old_ns=stats.summary(old_values)["center"] * 1e9,
                new_ns=stats.summary(new_values)["center"] * 1e9)


def memory_change(old, new):
    """new / old for one memory figure and its verdict, or None where either side lacks it."""
    if not old or not new or old <= 0 or new <= 0:
        return None
    ratio = new / old
    verdict = ("same within 5%" if abs(ratio - 1) <= MEMORY_TOLERANCE else "larger" if ratio > 1 else "smaller")
    return {"ratio": ratio, "verdict": verdict}


def compare(old_rows, new_rows):
    """[(scenario, model, time change, peak RSS change, bytes/task change)] for the rows in both."""
    out = []
    for key in sorted(set(old_rows) & set(new_rows)):
        old, new = old_rows[key], new_rows[key]
        memories = [memory_change((old.get("memory") or {}).get(name), (new.get("memory") or {}).get(name))
                    for name in ("peak_rss_bytes", "bytes_per_task")]
        out.append((*key, time_change(old, new), *memories))
    return out


def line(scenario, model, time, peak, per_task, old, new):
    parts = [f"{scenario}/{model}:"]
    if time:
        interval = f" [{time['ci95'][0]:.2f}–{time['ci95'][1]:.2f}]" if time["ci95"] else ""
        parts.append(f"time {time['old_ns']:,.0f} -> {time['new_ns']:,.0f} ns/op ({time['clock']}) "
                     f"×{time['ratio']:.2f}{interval} {time['verdict']};")
    for label, change, name in (("peak RSS", peak, "peak_rss_bytes"), ("bytes/task", per_task, "bytes_per_task")):
        if change:
            parts.append(f"{label} {human_bytes(old['memory'][name])} -> {human_bytes(new['memory'][name])} "
                         f"×{change['ratio']:.2f} {change['verdict']};")
    return " ".join(parts).rstrip(";")


def main(args):
    old_rows, new_rows = read(args.old), read(args.new)
    rows = compare(old_rows, new_rows)
    if not rows:
        raise UsageError(f"compare: no scenario x model is ok in both {args.old} and {args.new}")
    for scenario, model, time, peak, per_task in rows:
        key = (scenario, model)
        output.emit(line(scenario, model, time, peak, per_task, old_rows[key], new_rows[key]))
    verdicts = [time["verdict"] for _s, _m, time, _p, _b in rows if time]
    output.emit(f"{len(rows)} rows: " + ", ".join(f"{verdicts.count(verdict)} {verdict}"
                                                 for verdict in (stats.FASTER, stats.SLOWER, stats.SAME)))
    for side, only in ((args.old, set(old_rows) - set(new_rows)), (args.new, set(new_rows) - set(old_rows))):
        if only:
            output.emit(f"only in {side}: " + ", ".join(f"{scenario}/{model}" for scenario, model in sorted(only)))
    return EXIT_OK
