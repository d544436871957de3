"""Terminal output: progress while workers run, then per scenario a table and its verdict.

render(result, wide=False) is what `fiberlab run` prints for one scenario: a compact table
(model, mechanism in short, time per op with its 95% interval, bytes per task, peak RSS, status,
match) whose lines fit in WIDTH columns, a line under it for noisy rows (why, and what to do), the
verdict (fiberlab/verdict.py) and whether every model matched. wide=True prints every column and
every note instead of the compact table. export(results, "md"|"csv", wide) prints the same
tables as Markdown or CSV. Progress shows a count and an ETA on a terminal (tqdm), a line per
phase elsewhere.
"""

import csv
import dataclasses
import io
import sys
import textwrap
import threading

from tqdm import tqdm

from fiberlab import comparison, environment, output, verdict as verdicts

WIDTH = 100  # the default output fits a terminal this wide


def shorten(value, items=12):
    """A list as its first items and a count of the rest, so one line stays one line."""
    if isinstance(value, list) and len(value) > items:
        shown = ", ".join(str(item) for item in value[:items])
        return f"[{shown}, ... {len(value) - items:,} more] ({len(value):,} in all)"
    return str(value)


def human_bytes(value):
    if value is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(value) < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024


def human_seconds(value):
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} µs"


def _part(entry, field):
    return human_bytes(getattr(entry.stack, field)) if entry.stack else "-"


# Rows follow the 2x2 of stack model x runtime, so that a bare scheduler sits
# beside the production runtime of the same stack model; threads come last.
KIND_ORDER = [("stackful", "own scheduler"), ("stackful", "production runtime"),
              ("stackless", "own scheduler"), ("stackless", "production runtime"), ("stackful", "kernel scheduler"),
              ("stackful", "native"), ("stackless", "native")]
KIND_LABELS = {kind: label for kind, label in zip(KIND_ORDER, ("stackful·own", "stackful·runtime", "stackless·own",
                                                              "stackless·runtime", "OS threads", "stackful·C++",
                                                              "stackless·C++"))}


def _kind(entry):
    return (entry.kind.stack, entry.kind.scheduler) if entry.kind else (None, None)


def grouped(models):
    """(model_id, entry) in 2x2 order; models of an unknown kind keep their order, last."""
    ranked = sorted(models.items(), key=lambda item: KIND_ORDER.index(_kind(item[1]))
                    if _kind(item[1]) in KIND_ORDER else len(KIND_ORDER))
    return ranked


COLUMNS = ("model", "kind", "mechanism", "status", "match", "ns/op [95% CI]", "clock", "cpu/wall",
           "gc share", "vs floor", "vs native", "peak RSS", "bytes/task", "frames/task", "part: C stack copied",
           "part: frame bytes")
TIME_COLUMN = COLUMNS.index("ns/op [95% CI]")
FLOOR_COLUMN = COLUMNS.index("vs floor")  # headed by the spec's own name for its floor ("vs bare", "vs gen")
# bytes/task is the whole (USS slope); the two parts are what the probe found on each suspended unit.
PARTS_LEGEND = ("  bytes/task = what one more suspended task adds to USS (slope over two task counts), the whole; "
                "part: C stack greenlet copied to the heap, part: the task's Python frames (bytes where they live)")


def gc_share(entry):
    """Time in garbage collections as a share of wall time ("-" where the worker did not report it)."""
    share = entry.gc_share
    return f"{share:.0%}" if share is not None else "-"


def ns_interval(entry):
    """The 95% interval of ns per op, [lo, hi], or None (results before it was stored: the wall interval)."""
    if entry.ns_per_op_ci95:
        return entry.ns_per_op_ci95
    wall = entry.wall_s
    if not wall or wall.ci95 is None:
        return None
    ops = entry.timing.ops if entry.timing and entry.timing.ops is not None else entry.ops
    return [bound / ops * 1e9 for bound in wall.ci95] if ops else None


def clock_cell(entry):
    """Which clock the row's ns/op is on, "noisy" when its spread is too wide to tell small
    differences, and how many of its values the kernel disturbed (docs/timing.md)."""
    timing = entry.timing
    cell = (timing.clock if timing else None) or "wall"
    if entry.noisy:
        cell += " noisy"
    if timing and timing.disturbed:
        cell += f" {timing.disturbed}/{len(entry.wall_s.values)} disturbed"
    return cell


def rows(result):
    for model_id, entry in grouped(result.models):
        kind = KIND_LABELS.get(_kind(entry), "-")
        mechanism = entry.mechanism or "-"
        if not entry.ok:
            match = "no" if entry.status == "mismatch" else "-"
            yield [model_id, kind, mechanism, entry.status, match] + ["-"] * (len(COLUMNS) - 5)
            continue
        wall, cpu = entry.wall_s, entry.cpu_s
        interval = ns_interval(entry)
        ns = "-" if entry.ns_per_op is None else (  # no op at all (ops = 0): no cost per one
            f"{entry.ns_per_op:,.0f}" + (f" [{interval[0]:,.0f}–{interval[1]:,.0f}]" if interval else ""))
        ratio = f"{cpu.mean / wall.mean:.2f}" if cpu and wall.mean > 0 else "-"
        vs = f"{entry.vs_baseline:.2f}x" if entry.vs_baseline else "-"
        if entry.vs_baseline_noisy:
            vs += " noisy"
        vs_floor = f"{entry.vs_floor:,.1f}x" if entry.vs_floor else "-"
        frames = entry.stack.frames_per_task if entry.stack else None
        yield [
            model_id, kind, mechanism, "ok", "yes", ns, clock_cell(entry), ratio, gc_share(entry), vs, vs_floor,
            human_bytes(entry.memory.peak_rss_bytes), human_bytes(entry.memory.bytes_per_task),
            f"{frames:.1f}" if frames is not None else "-", _part(entry, "c_stack_bytes_per_task"),
            _part(entry, "frame_bytes_per_task"),
        ]


def header(result):
    """COLUMNS, with the floor column named as the scenario names its floor, and the time column
    as what its op is where the figure is a marginal cost (deep_chain: "ns/resume")."""
    names = list(COLUMNS)
    names[FLOOR_COLUMN] = result.baseline_column or names[FLOOR_COLUMN]
    if result.marginal:
        names[TIME_COLUMN] = f"ns/{result.marginal['op']} [95% CI]"
    return names


def table(result):
    return grid([header(result)] + list(rows(result)))


def grid(body):
    """Rows of cells as aligned text, with a rule under the first (header) row."""
    widths = [max(len(row[col]) for row in body) for col in range(len(body[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in body]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def distributions(entry):
    """Names of the entry's records that summarize a distribution (they carry p50 and p99)."""
    return [name for name, value in (entry.records or {}).items() if isinstance(value, dict) and "p99" in value]


def human_record(name, value):
    if value is None:
        return "-"
    if name.endswith("_per_s"):
        return f"{value:,.0f}/s"
    return human_seconds(value) if name.endswith("_s") else f"{value:,}"


def records_table(result):
    """Under the table, for scenarios that record distributions (latencies): per model
    memory per unit of the task count, ops per second, p50/p99 of each distribution,
    and the other numbers recorded (from the check run, at the requested size). None if nothing to show."""
    ok = {model_id: entry for model_id, entry in result.models.items() if entry.ok}
    first = next((entry for entry in ok.values() if distributions(entry)), None)
    if first is None:
        return None
    names = distributions(first)
    numbers = [name for name, value in first.records.items()
               if isinstance(value, (int, float)) and not isinstance(value, bool)]
    count_name, units = result.task_count or ("task", 1)
    per_unit = f"memory per {count_name.removesuffix('s')}"
    header = ["model", per_unit, "ops/s"] + [f"{name} {p}" for name in names for p in ("p50", "p99")] + numbers
    body = [header]
    for model_id, entry in ok.items():
        per_task, records = entry.memory.bytes_per_task, entry.records or {}
        body.append([model_id, human_bytes(per_task * units if per_task is not None else None),
                     ops_per_second(entry.ns_per_op)]
                    + [human_record(name, (records.get(name) or {}).get(p)) for name in names for p in ("p50", "p99")]
                    + [human_record(name, records.get(name)) for name in numbers])
    legend = (f"  {per_unit} = bytes/task × {units} (slope of USS); ops/s = 1 / mean time per op of the timed "
              f"runs (at the size the timing notes give); p50/p99 and the rest as the check run (the requested "
              f"size) recorded them")
    return grid(body) + "\n" + legend


def ops_per_second(ns_per_op):
    """1 / the time per op, with three significant digits below 100 a second: an op that takes
    over a second is 0.4 ops/s, not 0."""
    if not ns_per_op:
        return "-"
    rate = 1e9 / ns_per_op
    return f"{rate:,.0f}" if rate >= 100 else f"{rate:.3g}"


def timing_notes(result):
    """How the timings were taken, and each model timed at a smaller size than its check run."""
    timed = [(model_id, entry) for model_id, entry in result.models.items() if entry.ok and entry.timing]
    if not timed:
        return []
    first = timed[0][1].timing
    most = max(entry.timing.values_per_process for _model_id, entry in timed)
    out = [f"  timing: {most} values from each of {first.processes} fresh processes per model "
           f"(plan {first.plan}), the models' processes taken in turn, each after an in-process warm-up; "
           f"ns/op = geometric mean on the row's clock (cpu: the worker's CPU time, single-threaded models; "
           f"wall: threads and rows that wait), [95% CI] on the log scale, the process as the unit where "
           f"processes differ; noisy: sd > 10% of the mean or CI half-width > 5%, or < 3 values; "
           f"disturbed: values the kernel preempted more than 20 times a second (docs/timing.md)"]
    for model_id, entry in timed:
        timing = entry.timing
        smaller = {key: value for key, value in timing.params.items() if result.params.get(key) != value}
        loops = f"; a value is the mean of {timing.loops} runs" if (timing.loops or 1) > 1 else ""
        fewer = (f"; {timing.values_per_process} value(s) per process (a run lasts long)"
                 if timing.values_per_process != most else "")
        warmup = {key: value for key, value in (timing.warmup_params or {}).items()
                  if timing.params.get(key) != value}
        if warmup:  # a long run's warm-up at a tenth of its tasks (timing_plan.warmup_params)
            fewer += "; warmed up at " + ", ".join(f"{key}={value:,}" for key, value in warmup.items())
        if smaller:
            sizes = ", ".join(f"{key}={value:,}" for key, value in smaller.items())
            out.append(f"  {model_id}: timed at {sizes} (fewer repetitions of the same step than the requested "
                       f"size; the check ran that; --rigorous times it){loops}{fewer}")
        elif loops or fewer:
            out.append(f"  {model_id}: timed at the requested size{loops}{fewer}")
    return out


def native_stack_line(entry):
    """What a native row's probe read beyond the common columns: a fiber's stack reserved and
    resident, or the coroutine frame bytes the promise's operator new counted. None elsewhere."""
    stack = entry.stack
    if stack and stack.stack_reserved_bytes_per_task is not None:
        return (f"fiber stack per task: {human_bytes(stack.c_stack_bytes_per_task)} in use, "
                f"{human_bytes(stack.stack_touched_bytes_per_task)} resident, "
                f"{human_bytes(stack.stack_reserved_bytes_per_task)} reserved")
    if stack and stack.allocator_bytes_per_task is not None:
        return (f"coroutine frames per live task: {human_bytes(stack.allocator_bytes_per_task)} "
                f"(operator new count); the described chains: {human_bytes(stack.frame_bytes_per_task)} "
                f"in {stack.frames_per_task:.0f} frames")
    return None


def params_line(result):
    params = ", ".join(f"{name}={value:,}" if isinstance(value, int) and not isinstance(value, bool)
                       else f"{name}={value}" for name, value in result.params.items())
    gc_mode = f", gc {result.gc}" if result.gc else ""
    return f"{result.scenario}  ({params}){gc_mode}"


def wide_notes(result):
    """Every note of the wide output, in order: legends, the records block, each model's notes,
    the timing notes and the floor columns' legends."""
    out = [PARTS_LEGEND]
    recorded = records_table(result)
    if recorded:
        out.append(recorded)
    for model_id, entry in result.models.items():
        if not entry.ok:
            out.append(f"  {model_id}: {entry.status}: {entry.error}")
        for note in entry.notes or []:
            out.append(f"  {model_id}: {note}")
        reserved = entry.stack.c_stack_reserved_bytes_per_task if entry.stack else None
        if reserved:
            out.append(f"  {model_id}: each unit reserves {human_bytes(reserved)} of address space for its C stack "
                       f"(reserved, not memory used: the touched part is in bytes/task)")
        creating = (entry.records or {}).get("create_ns_per_task")
        if creating is not None:
            out.append(f"  {model_id}: ns to create a task (spawn to parked, per task) = {creating:,.0f}")
        for name, value in (entry.result_summary or {}).items():
            out.append(f"  {model_id}: {name} = {shorten(value)}")
    for model_id, entry in result.models.items():
        line = native_stack_line(entry)
        if line:
            out.append(f"  {model_id}: {line}")
    out += timing_notes(result)
    if result.marginal:
        out.append(f"  {marginal_line(result)}")
    if result.baseline:
        column = result.baseline_column or COLUMNS[FLOOR_COLUMN]
        out.append(f"  {column}: ns/op over {result.baseline}, a floor value timed in the same worker "
                   f"right after each value, on the row's clock (geometric mean of the pairs' ratios)")
    out += [f"  ratio {comparison.describe(ratio)}" for ratio in comparison.paired_ratios(result.to_json())]
    if result.floor:
        floor = result.floor
        out.append(f"  vs native: ns/op divided by {floor.model}'s {floor.ns_per_op:,.1f} ns/op, "
                   f"the fastest C++ row of this run (the native floor)")
    interpreters = result.environment.interpreters if result.environment else None
    for label, env in (interpreters or {}).items():
        out.append(f"  @{label}: python {env.python}, greenlet {env.greenlet}, gevent {env.gevent}")
    return out


def match_line(result):
    unsupported = [model_id for model_id, entry in result.models.items() if entry.status == "unsupported"]
    ran = len(result.models) - len(unsupported)
    if result.match and unsupported:
        return (f"every model that could run matched the reference ({ran} of {ran}); "
                f"unsupported, not a failure: {', '.join(unsupported)}")
    if result.match:
        return f"every model matched the reference ({len(result.models)} of {len(result.models)})"
    if result.models and len(unsupported) == len(result.models):
        return f"no model could run this: every one is unsupported ({', '.join(unsupported)})"
    bad = [model_id for model_id, entry in result.models.items() if entry.status not in ("ok", "unsupported")]
    return f"NOT every model matched the reference: {', '.join(bad)} did not"


# --- the compact table

COMPACT_COLUMNS = ("model", "mechanism", "time/op [95% CI]", "bytes/task", "peak RSS", "status", "match")
MECHANISM_WIDTH = 24  # the compact table's mechanism, at most; less when the table would not fit WIDTH


def short_mechanism(text, width=MECHANISM_WIDTH):
    """A MECHANISM string in a few words: its first clause ("cooperative: a yield ..." -> "cooperative"),
    without its parenthesis, or the parenthesis alone when that is the shorter name
    ("exception thrown into the fiber (greenlet.throw)" -> "greenlet.throw"); cut to width with "…"."""
    if not text:
        return "-"
    clause = text.split(":")[0].split(";")[0].strip()
    outside, _, inside = clause.partition("(")
    outside, inside = outside.strip(), inside.rstrip(") ").strip()
    short = inside if inside and len(outside) > 20 else outside
    return short if len(short) <= width else short[:width - 1].rstrip() + "…"


def figure(value, unit_of=None):
    """value (seconds) at 3 significant figures, in the unit of unit_of (default: its own): (text, unit)."""
    scale, unit = next(((scale, unit) for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns"))
                        if abs(unit_of if unit_of is not None else value) >= scale), (1e-9, "ns"))
    number = value / scale
    # Digits by the rounded magnitude, so 9.998 reads "10.0", not "10.00" (four figures).
    digits = 0 if abs(round(number, 1)) >= 100 else 1 if abs(round(number, 2)) >= 10 else 2
    return f"{number:,.{digits}f}", unit


def seconds_with_interval(value, interval):
    """"1.64 µs [1.55–1.73]": the bounds in the value's unit, so the width depends on the numbers only."""
    text, unit = figure(value)
    if interval is None:
        return f"{text} {unit}"
    low, high = (figure(bound, unit_of=value)[0] for bound in interval)
    return f"{text} {unit} [{low}–{high}]"


def compact_bytes(value):
    """Bytes at 3 significant figures (whole bytes below 1 KiB): 399 B, 1000 B, 7.54 KiB, 21.8 MiB."""
    if value is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if unit == "B" and abs(value) < 1024:
            return f"{value:.0f} B"
        if abs(value) < 999.5 or unit == "GiB":
            digits = 0 if abs(value) >= 99.95 else 1 if abs(value) >= 9.995 else 2
            return f"{value:.{digits}f} {unit}"
        value /= 1024


def headline_column(result):
    """The time column's name: the spec's headline, time per the marginal op ("time/resume"), or time/op."""
    headline = result.headline
    if headline:
        return headline["label"]
    return f"time/{result.marginal['op']} [95% CI]" if result.marginal else COMPACT_COLUMNS[2]


def marginal_line(result):
    """One line on how a marginal time column was taken, or None where the column is time per op."""
    marginal = result.marginal
    if not marginal:
        return None
    fixed = ", ".join(f"{name}={value:,}" for name, value in marginal["fixed_overrides"].items())
    return (f"time/{marginal['op']}: each value less a run at {fixed} timed right after it (its "
            f"{marginal['fixed']}), over the ops between them; both parts are in the JSON (parts)")


def compact_time(result, entry):
    """The time column's cell: time per op with its 95% interval, or the spec's headline figure."""
    headline = result.headline
    if headline:
        value = verdicts.headline_figure(entry, headline)
        return seconds_with_interval(value, None) if value is not None else "-"
    value, interval = verdicts.figure(entry)
    return seconds_with_interval(value, interval) if value is not None else "-"


def compact_rows(result):
    for model_id, entry in grouped(result.models):
        mechanism = short_mechanism(entry.mechanism)
        if not entry.ok:
            yield [model_id, mechanism, "-", "-", "-", entry.status, "no" if entry.status == "mismatch" else "-"]
            continue
        memory = entry.memory
        noisy = entry.noisy and not result.headline  # noisy speaks of time per op
        yield [model_id, mechanism, compact_time(result, entry), compact_bytes(memory.bytes_per_task if memory else None),
               compact_bytes(memory.peak_rss_bytes if memory else None), "ok, noisy" if noisy else "ok", "yes"]


def compact_body(result):
    """[header, rows...], the mechanism column cut so that the table fits WIDTH."""
    header = list(COMPACT_COLUMNS)
    header[2] = headline_column(result)
    body = [header] + list(compact_rows(result))
    widths = [max(len(row[col]) for row in body) for col in range(len(header))]
    over = sum(widths) + 2 * (len(widths) - 1) - WIDTH
    if over > 0:
        room = max(len("mechanism"), widths[1] - over)
        body = [row[:1] + [short_mechanism(row[1], room) if index else row[1]] + row[2:]
                for index, row in enumerate(body)]
    return body


def run_load(result):
    """(the higher 1-minute load average of the run's start and end, cores), or None if not recorded."""
    env = result.environment
    loads = [load[0] for load in (env.load_start, env.load_end) if load] if env else []
    return (max(loads), env.cores or 1) if loads else None


def noisy_note(result):
    """One paragraph for the noisy rows: which, why (with the run's load, run_load), and what to do;
    None if no row is noisy."""
    load = run_load(result)
    noisy = [model_id for model_id, entry in grouped(result.models) if entry.ok and entry.noisy]
    if not noisy:
        return None
    why = ("their timed values spread too much to tell small differences apart (sd over 10% of the mean, "
           "a 95% interval wider than ±5%, or fewer than 3 values)")
    if load:
        busy = "busy" if load[0] > 0.5 * load[1] else "quiet"
        why += f"; the load average was {load[0]:.2f} on {load[1]} cores ({busy})"
        if result.environment.busy_start is not None:
            why += f", {result.environment.busy_start:.1f} cores busy as it started"
    return (f"noisy: {', '.join(noisy)}: {why}. To trust a small difference, rerun with --rigorous on a quiet "
            f"machine; --wide shows the spread of each row.")


def timing_line(result):
    """The compact table's one line on how its time column was taken."""
    if result.headline:
        headline = result.headline
        return (f"{headline['label']}: the {headline['quantile']} of {headline['record']} in each model's first timed "
                f"process, which ran alone (time per op means little here: the run mostly waits); no interval")
    timed = [entry.timing for entry in result.models.values() if entry.ok and entry.timing]
    if not timed:
        return None
    values = max(timing.values_per_process for timing in timed)
    column = f"time/{result.marginal['op']}" if result.marginal else "time/op"
    return (f"{column}: geometric mean of {values} value(s) from each of {timed[0].processes} fresh process(es) per "
            f"model (plan {timed[0].plan}) on the row's clock, with its 95% interval; --wide for every column and note")


def compact_notes(result):
    """Under the compact table: each failed model's reason and each model's notes, one line each."""
    out = []
    for model_id, entry in result.models.items():
        if not entry.ok:
            out.append(f"  {model_id}: {entry.status}: {entry.error}")
        out += [f"  {model_id}: {note}" for note in entry.notes or []]
    return out


# --- the verdict

def times(value):
    """A ratio at 3 significant figures: 1.83, 24.5, 1,507."""
    return f"{value:,.{0 if value >= 99.95 else 1 if value >= 9.995 else 2}f}"


def ratio_text(comparison):
    low_high = f" [{times(comparison.interval[0])}–{times(comparison.interval[1])}]" if comparison.interval else ""
    return f"{times(comparison.ratio)}×{low_high}"


def native(entry):
    return entry.kind is not None and entry.kind.scheduler == "native"


def verdict_lines(result):
    """The verdict, hyperfine's way: the quickest Python model with its figure, then how many times
    faster it is than each other one (with the interval of the ratio) or "same within noise"; the
    least memory per task; the native floor (C++, not a choice a Python program makes) on its own line."""
    python = {model_id: entry for model_id, entry in result.models.items() if not native(entry)}
    found = verdicts.verdict(dataclasses.replace(result, models=python))
    out = []
    op = result.marginal["op"] if result.marginal else "op"  # deep_chain: "per resume"
    if found.quickest is None:
        out.append("verdict: no model has a figure to compare")
    elif found.intervals:
        out.append(f"verdict: {found.quickest} is quickest, {seconds_with_interval(found.figure, found.interval)} "
                   f"per {op}")
        for comparison in found.others:
            if comparison.within_noise:
                out.append(f"  same within noise as {comparison.model} ({ratio_text(comparison)})")
            elif comparison.contradicts:
                out.append(f"  {comparison.model}: its pairs say {ratio_text(comparison)} of {found.quickest}'s time, "
                           f"its figure more (the load changed between their processes: rerun)")
            else:
                why = "" if comparison.interval else " (no interval: fewer than 2 values)"
                out.append(f"  {ratio_text(comparison)} faster than {comparison.model}{why}")
    else:
        out.append(f"verdict: {found.quickest} has the least {found.label}, {seconds_with_interval(found.figure, None)} "
                   f"(one run: no interval)")
        for comparison in found.others:
            out.append(f"  {times(comparison.ratio)}× as much: {comparison.model} "
                       f"({seconds_with_interval(comparison.figure, None)})")
    if found.not_compared:
        out.append("  not compared: " + ", ".join(f"{model_id} ({status})" for model_id, status in found.not_compared))
    if found.least_memory:
        model_id, size, runner_up, its_size = found.least_memory
        after = f" (next: {runner_up}, {compact_bytes(its_size)})" if runner_up else ""
        out.append(f"least memory per task: {model_id}, {compact_bytes(size)}{after}")
    floor = verdicts.verdict(dataclasses.replace(result, models={model_id: entry for model_id, entry
                                                                 in result.models.items() if native(entry)}))
    if floor.quickest and found.quickest and found.intervals:
        shown = ratio_text(verdicts.against(result, found.quickest, floor.quickest,
                                            {found.quickest: found.figure, floor.quickest: floor.figure}))
        out.append(f"native floor (C++, not a Python choice): {floor.quickest}, "
                   f"{seconds_with_interval(floor.figure, floor.interval)} per {op}; {found.quickest} takes {shown} "
                   f"as long")
    return out


# --- whole outputs

def wrap(lines):
    """Lines longer than WIDTH wrapped at spaces, continued with a deeper indent; a table's lines fit already."""
    out = []
    for line in lines:
        if len(line) <= WIDTH:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()) + 4)
        out += textwrap.wrap(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False)
    return out


def render(result, wide=False):
    """One scenario's output as text: the compact table (or, wide, every column and note), the
    noisy note, the verdict and the match line."""
    if wide:
        lines = [params_line(result)] + table(result).splitlines() + wide_notes(result)
    else:
        timing = timing_line(result)
        marginal = marginal_line(result)
        lines = ([params_line(result)] + grid(compact_body(result)).splitlines() + compact_notes(result)
                 + ([f"  {timing}"] if timing else []) + ([f"  {marginal}"] if marginal else []))
        # the paired ratios of the 2x2's row pairs (wide shows them among its notes)
        lines += [f"  ratio {comparison.describe(ratio)}" for ratio in comparison.paired_ratios(result.to_json())]
    busy = environment.busy_warning(result.environment) if result.environment else None
    if busy:  # under the table, beside the noisy note: the table's lines stay where they are
        lines.append(busy)
    note = None if result.headline and not wide else noisy_note(result)  # the compact table shows no time
    if note:
        lines.append(note)
    lines += verdict_lines(result) + [match_line(result)]
    return "\n".join(lines if wide else wrap(lines))


def body(result, wide):
    return [header(result)] + list(rows(result)) if wide else compact_body(result)


def export(results, fmt, wide=False):
    """The tables of several results as Markdown (a heading line, then the table, then the verdict as
    a list, per scenario) or CSV (a "scenario" column first; one header row per scenario, the
    scenarios separated by an empty line)."""
    if fmt == "csv":
        return "\n\n".join(csv_text([["scenario"] + rows_[0]] + [[result.scenario] + row for row in rows_[1:]])
                            for result, rows_ in ((result, body(result, wide)) for result in results))
    out = []
    for result in results:
        rows_ = body(result, wide)
        out += [f"**{params_line(result)}**", "", markdown_row(rows_[0]),
                markdown_row(["---"] * len(rows_[0]))]
        out += [markdown_row(row) for row in rows_[1:]]
        out += [""] + [("  - " if line.startswith(" ") else "- ") + line.strip()  # a comparison nests under its verdict
                       for line in verdict_lines(result) + [match_line(result)]] + [""]
    return "\n".join(out).rstrip("\n")


def csv_text(rows):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().rstrip("\n")


def markdown_row(cells):
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


# --- progress

class Progress:
    """The pipeline's progress interface: progress(text) says a step started (a worker run, a compile);
    print(text) puts a line on stdout; clear() takes the live line away before a table is printed.

    On a terminal: one tqdm line with the steps done of those expected (expect(n) adds to the
    total), the time spent and an ETA, and the current step; elsewhere (a CI log) one plain line
    per step. It writes through a guarded stream (fiberlab/output.py): a closed or full stderr
    never costs the run. The pipeline calls it from several threads at once, hence the lock."""

    def __init__(self, stream=None):
        self.stream = output.Guarded(stream or sys.stderr)  # looked up now: protect_streams may have replaced it
        self.live = self.stream.isatty()
        self.lock = threading.Lock()
        self.bar = None
        self.total = 0

    def expect(self, steps):
        """steps more steps are coming (the runs of one more scenario or sweep point)."""
        with self.lock:
            self.total += steps
            if self.bar is not None:
                self.bar.total = max(self.total, self.bar.n)
                self.bar.refresh()

    def __call__(self, text):
        with self.lock:
            if not self.live:
                self.stream.write(text + "\n")
                self.stream.flush()
                return
            if self.bar is None:
                self.bar = tqdm(total=self.total or None, file=self.stream, unit="run", dynamic_ncols=True,
                                leave=False, bar_format="{n_fmt}/{total_fmt} runs {bar:12} {elapsed}<{remaining} {desc}")
            self.bar.total = max(self.total, self.bar.n + 1)
            self.bar.set_description_str(text, refresh=False)
            self.bar.update(1)

    def print(self, text):
        with self.lock:
            if self.bar is not None:
                self.bar.clear()
            output.emit(text)

    def clear(self):
        with self.lock:
            if self.bar is not None:
                self.bar.clear()

    def close(self):
        with self.lock:
            if self.bar is not None:
                self.bar.close()
                self.bar = None
