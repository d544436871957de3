"""Terminal output: progress while workers run, then the comparison table of a Result
(fiberlab/result.py)."""

import sys


class Progress:
    """One live status line on a terminal; plain lines elsewhere (CI logs)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr  # looked up now: fiberlab.output may have replaced a closed one
        self.live = self.stream.isatty()
        self.width = 0

    def __call__(self, text):
        if self.live:
            self.stream.write("\r" + text.ljust(self.width))
            self.width = len(text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def print(self, text):
        self.clear()
        print(text, flush=True)

    def clear(self):
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


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


COLUMNS = ("model", "kind", "mechanism", "status", "match", "wall/run mean ± sd", "ns/op [95% CI]", "cpu/wall",
           "gc share", "vs floor", "vs native", "peak RSS", "bytes/task", "frames/task", "part: C stack copied",
           "part: frame bytes")
FLOOR_COLUMN = COLUMNS.index("vs floor")  # headed by the spec's own name for its floor ("vs bare", "vs gen")
# bytes/task is the whole (USS slope); the two parts are what the probe found on each suspended unit.
PARTS_LEGEND = ("  bytes/task = what one more suspended task adds to USS (slope over two task counts), the whole; "
                "part: C stack greenlet copied to the heap, part: the task's Python frames (bytes where they live)")


def gc_share(entry):
    """Time in garbage collections as a share of wall time ("-" where the worker did not report it)."""
    share = entry.gc_share
    return f"{share:.0%}" if share is not None else "-"


def ns_interval(entry):
    """The 95% interval of ns per op, [lo, hi], or None: the wall interval over the timed run's ops."""
    wall = entry.wall_s
    if not wall or wall.ci95 is None:
        return None
    ops = entry.timing.ops if entry.timing and entry.timing.ops is not None else entry.ops
    return [bound / ops * 1e9 for bound in wall.ci95] if ops else None


def rows(result):
    for model_id, entry in grouped(result.models):
        kind = KIND_LABELS.get(_kind(entry), "-")
        mechanism = entry.mechanism or "-"
        if not entry.ok:
            match = "no" if entry.status == "mismatch" else "-"
            yield [model_id, kind, mechanism, entry.status, match] + ["-"] * (len(COLUMNS) - 5)
            continue
        wall, cpu = entry.wall_s, entry.cpu_s
        timing = human_seconds(wall.mean)
        if wall.stdev is not None:
            timing += f" ± {human_seconds(wall.stdev)}"
        if entry.noisy:
            timing += " noisy"
        interval = ns_interval(entry)
        ns = "-" if entry.ns_per_op is None else (  # no op at all (ops = 0): no cost per one
            f"{entry.ns_per_op:,.0f}" + (f" [{interval[0]:,.0f}–{interval[1]:,.0f}]" if interval else ""))
        ratio = f"{cpu.mean / wall.mean:.2f}" if cpu and wall.mean > 0 else "-"
        vs = f"{entry.vs_baseline:.2f}x" if entry.vs_baseline else "-"
        vs_floor = f"{entry.vs_floor:,.1f}x" if entry.vs_floor else "-"
        frames = entry.stack.frames_per_task if entry.stack else None
        yield [
            model_id, kind, mechanism, "ok", "yes", timing, ns, ratio, gc_share(entry), vs, vs_floor,
            human_bytes(entry.memory.peak_rss_bytes), human_bytes(entry.memory.bytes_per_task),
            f"{frames:.1f}" if frames is not None else "-", _part(entry, "c_stack_bytes_per_task"),
            _part(entry, "frame_bytes_per_task"),
        ]


def header(result):
    """COLUMNS, with the floor column named as the scenario names its floor."""
    names = list(COLUMNS)
    names[FLOOR_COLUMN] = result.baseline_column or names[FLOOR_COLUMN]
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
                     f"{1e9 / entry.ns_per_op:,.0f}" if entry.ns_per_op else "-"]
                    + [human_record(name, (records.get(name) or {}).get(p)) for name in names for p in ("p50", "p99")]
                    + [human_record(name, records.get(name)) for name in numbers])
    legend = (f"  {per_unit} = bytes/task × {units} (slope of USS); ops/s = 1 / mean time per op of the timed "
              f"runs (at the size the timing notes give); p50/p99 and the rest as the check run (the requested "
              f"size) recorded them")
    return grid(body) + "\n" + legend


def timing_notes(result):
    """How the timings were taken, and each model timed at a smaller size than its check run."""
    timed = [(model_id, entry) for model_id, entry in result.models.items() if entry.ok and entry.timing]
    if not timed:
        return []
    first = timed[0][1].timing
    most = max(entry.timing.values_per_process for _model_id, entry in timed)
    out = [f"  timing: {most} values from each of {first.processes} fresh processes "
           f"(plan {first.plan}), after an in-process warm-up, pooled; ± sd; [95% CI] of the mean "
           f"(Student's t); noisy: sd > 10% or CI half-width > 5% of the mean, or < 3 values"]
    for model_id, entry in timed:
        timing = entry.timing
        smaller = {key: value for key, value in timing.params.items() if result.params.get(key) != value}
        loops = f"; a value is the mean of {timing.loops} runs" if (timing.loops or 1) > 1 else ""
        fewer = (f"; {timing.values_per_process} value(s) per process (a run lasts long)"
                 if timing.values_per_process != most else "")
        warmup = {key: value for key, value in (timing.warmup_params or {}).items()
                  if timing.params.get(key) != value}
        if warmup:  # a long run's warm-up at a tenth of its tasks (pipeline.warmup_params)
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


def render(result):
    params = ", ".join(f"{name}={value:,}" if isinstance(value, int) and not isinstance(value, bool)
                       else f"{name}={value}" for name, value in result.params.items())
    gc_mode = f", gc {result.gc}" if result.gc else ""
    out = [f"{result.scenario}  ({params}){gc_mode}", table(result), PARTS_LEGEND]
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
    if result.baseline:
        column = result.baseline_column or COLUMNS[FLOOR_COLUMN]
        out.append(f"  {column}: ns/op over {result.baseline}, timed in the same worker after each run"
                   f" (median of the per-worker ratios)")
    if result.floor:
        floor = result.floor
        out.append(f"  vs native: ns/op divided by {floor.model}'s {floor.ns_per_op:,.1f} ns/op, "
                   f"the fastest C++ row of this run (the native floor)")
    interpreters = result.environment.interpreters if result.environment else None
    for label, env in (interpreters or {}).items():
        out.append(f"  @{label}: python {env.python}, greenlet {env.greenlet}, gevent {env.gevent}")
    unsupported = [model_id for model_id, entry in result.models.items() if entry.status == "unsupported"]
    ran = len(result.models) - len(unsupported)
    if result.match and unsupported:
        out.append(f"every model that could run matched the reference ({ran} of {ran}); "
                   f"unsupported, not a failure: {', '.join(unsupported)}")
    elif result.match:
        out.append(f"every model matched the reference ({len(result.models)} of {len(result.models)})")
    elif result.models and len(unsupported) == len(result.models):
        out.append(f"no model could run this: every one is unsupported ({', '.join(unsupported)})")
    else:
        bad = [model_id for model_id, entry in result.models.items() if entry.status not in ("ok", "unsupported")]
        out.append(f"NOT every model matched the reference: {', '.join(bad)} did not")
    return "\n".join(out)
