"""`python -m fiberlab sweep SCENARIO --param NAME=V1,V2,...`: one scenario, one parameter varied.

Every point is a whole `run` (fiberlab.pipeline.run_scenario: the same fresh
workers, the same comparison with the reference); a model that fails at one
point is recorded there with its reason and the sweep goes on. The table has
one row per value and one column per model: ns per op, Python frame bytes
per task (sys.getsizeof of each frame: a fiber's, a thread's or the
coroutines on a task's cr_await chain; one part of what a task holds, the
same for every model) and Python frames per task. For an integer parameter it also prints
each model's least-squares slope of ns/op and of stack bytes against the
parameter, over the points that succeeded (deep_chain depth: the cost of one
more frame). The JSON,
  {"scenario", "swept", "values", "points": [run result, ...], "slopes"},
is rewritten (atomically) after every point, so an interrupted sweep keeps
the points it finished.
"""

import dataclasses

import scenarios
from fiberlab import fd_budget, output, pipeline, pyperf_file, stats, table, timing_plan, verdict
from fiberlab.result import Sweep
from fiberlab.options import add_gc_option, add_plan_options, add_python_option, add_table_options, parse_pythons
from fiberlab.options import (EXIT_FAILED, EXIT_OK, UsageError, all_models_public, fit_fd_budget, parse_memory_limit,
                              parse_params, parse_run_options, write_json)
from fiberlab.selection import select_models

# A sweep is many runs, and the fit across points smooths noise: one timed process per point unless asked.
# Its values are always timed at the point's own size (timing_plan.plan_for_sweep).
DEFAULT_PLAN = "fast"


def add_parser(verbs):
    sweep = verbs.add_parser("sweep", help="run a scenario at several values of one parameter; table and slopes")
    sweep.add_argument("scenario", help="scenario name")
    sweep.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                       help="set a parameter; exactly one carries the swept values: NAME=V1,V2,...")
    sweep.add_argument("--models", default=",".join(all_models_public()), help="comma-separated model ids")
    add_plan_options(sweep, DEFAULT_PLAN)
    sweep.add_argument("--timeout", default="300", help="seconds one worker run may take (default 300)")
    sweep.add_argument("--memory-limit", metavar="MIB",
                       help="cap each worker's address space; a model that exceeds it fails with MemoryError")
    sweep.add_argument("--memory", action="store_true",
                       help="also run the tracemalloc and memory-slope passes at every point (off by default: "
                            "the sweep reports time and stack, and those passes cost minutes at large sizes)")
    sweep.add_argument("--json", metavar="PATH", help="write every point's full result as JSON to PATH")
    sweep.add_argument("--pyperf", metavar="PATH",
                       help="also write the timings as a pyperf BenchmarkSuite to PATH, a benchmark per point and model")
    add_table_options(sweep)
    add_gc_option(sweep)
    add_python_option(sweep)  # columns become model@X.Y, one per model and interpreter
    return sweep


def split_swept(assignments):
    """(name, value texts, the other assignments); refuses anything but exactly one comma list."""
    swept = [assignment for assignment in assignments if "," in assignment]
    if not swept:
        raise UsageError("sweep needs one --param NAME=V1,V2,... naming the values to sweep")
    if len(swept) > 1:
        raise UsageError(f"sweep varies one parameter, but {len(swept)} --param carry lists: {' '.join(swept)}")
    name, sep, text = swept[0].partition("=")
    if not sep or not name:
        raise UsageError(f"--param needs NAME=V1,V2,..., got {swept[0]!r}")
    texts = [item.strip() for item in text.split(",")]
    if not all(texts):
        raise UsageError(f"--param {name}: the list {text!r} has an empty item")
    fixed = [assignment for assignment in assignments if assignment is not swept[0]]
    if any(assignment.partition("=")[0] == name for assignment in fixed):
        raise UsageError(f"--param {name} is both swept and set to one value")
    return name, texts, fixed


def plan_points(scenario, spec, assignments):
    """(swept name, [checked params per point]); every value is checked before anything runs."""
    name, texts, fixed = split_swept(assignments)
    # As in `run`, each point must fit the open-file limit: split chosen, or refused, before anything runs.
    points = [fit_fd_budget(scenario, spec, parse_params(spec, scenario, fixed + [f"{name}={text}"]),
                            fixed + [f"{name}={text}"]) for text in texts]
    split = [params.get(fd_budget.SPLIT) for params in points]
    if name != fd_budget.SPLIT:  # a sweep of the layout itself compares layouts: nothing to unify
        if any(split) and not all(split):
            output.emit(f"{scenario}: split=true at every point, so that the points compare one layout")
        points = fd_budget.one_layout(points)
    values = [params[name] for params in points]
    if len(set(values)) != len(values):
        raise UsageError(f"--param {name}: the list names a value twice: {','.join(texts)}")
    return name, points


def show(value):
    return f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)


class PointProgress:
    """The pipeline's progress interface, each line prefixed with which point of how many."""

    def __init__(self, progress, prefix):
        self.progress, self.prefix = progress, prefix

    def __call__(self, text):
        self.progress(f"{self.prefix} · {text}")

    def print(self, text):
        self.progress.print(text)

    def clear(self):
        self.progress.clear()


def stack_bytes(entry):
    """(bytes, kind): the Python frames one suspended task holds (sys.getsizeof of each), the one
    stack part every model reports the same way; a part of bytes per task, not the whole. (The C
    stack greenlet copies exists for fibers only, and a thread's reservation is not memory used.)"""
    if entry.stack and entry.stack.frame_bytes_per_task is not None:
        return entry.stack.frame_bytes_per_task, "frame"
    return None, ""


def cell(entry):
    if entry is None:
        return "-"
    if not entry.ok:
        return entry.status
    size, kind = stack_bytes(entry)
    frames = entry.stack.frames_per_task if entry.stack else None
    stack = f"{kind} {table.human_bytes(size)}" if size is not None else "-"
    frames = f"{frames:,.0f} fr" if frames is not None else "- fr"
    per_op = f"{entry.ns_per_op:,.0f} ns" if entry.ns_per_op is not None else "- ns"
    return f"{per_op} · {stack} · {frames}"


def model_ids(points):
    ids = []
    for result in points:
        ids += [model_id for model_id in result.models if model_id not in ids]
    return ids


def wide_body(name, points):
    """A row per swept value, a column per model, each cell ns per op · frame bytes · frames."""
    models = model_ids(points)
    body = [[name] + models]
    for result in points:
        body.append([show(result.params[name])] + [cell(result.models.get(m)) for m in models])
    return body


def compact_cell(result, entry):
    """Time per op (or the scenario's headline figure, fairness: p99 lateness), or the status."""
    if entry is None:
        return "-"
    if not entry.ok:
        return entry.status
    return table.compact_time(result, entry).split(" [")[0]


def compact_body(name, points):
    """A row per model, a column per swept value (so it fits 100 columns), each cell its time per op."""
    label = table.headline_column(points[0]).split(" [")[0]
    body = [[f"{label} at {name}="] + [show(result.params[name]) for result in points]]
    for model_id in model_ids(points):
        body.append([model_id] + [compact_cell(result, result.models.get(model_id)) for result in points])
    return body


def point_verdict(name, result):
    """One line for one point: its quickest Python model and how it stands to the next one."""
    where = f"{name}={show(result.params[name])}"
    found = verdict.verdict(dataclasses.replace(result, models={model_id: entry for model_id, entry in result.models.items()
                                                 if not table.native(entry)}))
    if found.quickest is None:
        return f"  {where}: no model has a figure to compare"
    line = f"  {where}: {found.quickest} ({table.seconds_with_interval(found.figure, None)})"
    if found.others:
        after = found.others[0]
        if after.within_noise:
            line += f", same within noise as {after.model} ({table.ratio_text(after)})"
        elif after.contradicts:
            line += f"; {after.model}'s pairs say {table.ratio_text(after)} of its time (load changed: rerun)"
        else:
            line += f", {table.ratio_text(after)} faster than the next, {after.model}"
    return line


def slopes(name, points):
    """Per model: least-squares slopes against the swept value over the points where it succeeded."""
    fits = {}
    for model_id in model_ids(points):
        ok = [(result.params[name], result.models[model_id]) for result in points
              if model_id in result.models and result.models[model_id].ok]
        sizes = [(value, stack_bytes(entry)[0]) for value, entry in ok if stack_bytes(entry)[0] is not None]
        fits[model_id] = {
            "points": len(ok),
            "ns_per_op": stats.slope([(value, entry.ns_per_op) for value, entry in ok
                                      if entry.ns_per_op is not None]),
            "stack_bytes_per_task": stats.slope(sizes),
            "stack_kind": stack_bytes(ok[0][1])[1] if ok else None,
        }
    return fits


def describe_slopes(name, fits, total):
    lines = [f"slopes against {name} (least squares over the points that succeeded):"]
    for model_id, fit in fits.items():
        if fit["ns_per_op"] is None:
            lines.append(f"  {model_id}: fewer than two points succeeded ({fit['points']} of {total})")
            continue
        size = fit["stack_bytes_per_task"]
        size = f"{size:,.1f} {fit['stack_kind']} stack bytes" if size is not None else "no stack bytes"
        lines.append(f"  {model_id}: {fit['ns_per_op']:,.2f} ns/op and {size} per extra {name}"
                     f" ({fit['points']} of {total} points)")
    return lines


def footnotes(name, points):
    """Each failing point with its reason, and each note (recursion limit raised...) once per point."""
    failures, notes = [], []
    for result in points:
        where = f"{name}={show(result.params[name])}"
        by_note = {}
        for model_id, entry in result.models.items():
            if not entry.ok:
                failures.append(f"  {where} {model_id}: {entry.status}: {entry.error}")
            for note in entry.notes or []:
                by_note.setdefault(note, []).append(model_id)
        notes += [f"  {where}: {note} ({', '.join(ids)})" for note, ids in by_note.items()]
    out = (["failures:"] + failures if failures else []) + (["notes:"] + notes if notes else [])
    return out


def render(scenario, name, points, fits, wide=False):
    """The sweep's table (compact: a row per model; wide: a row per value, every figure), its
    footnotes and slopes, then the verdict: per point the quickest Python model (wide: against
    every other model, as `run` prints it)."""
    fixed = ", ".join(f"{key}={show(value)}" for key, value in points[0].params.items() if key != name)
    out = [f"{scenario} sweep over {name}  ({fixed})" if fixed else f"{scenario} sweep over {name}"]
    if wide:
        out += ["each cell: ns per op · Python frame bytes per task (a part of what a task holds) · frames per task"]
        out += table.grid(wide_body(name, points)).splitlines()
    else:
        out += table.grid(compact_body(name, points)).splitlines()
    out += footnotes(name, points)
    if fits is not None:
        out += describe_slopes(name, fits, len(points))
    out.append("verdict, the quickest at each point:")
    for result in points:
        if wide:
            out += [f"  at {name}={show(result.params[name])}:"]
            out += ["    " + line for line in table.verdict_lines(result)]
        else:
            out.append(point_verdict(name, result))
    matched = sum(result.match for result in points)
    out.append(f"{matched} of {len(points)} points: every model matched the reference")
    return "\n".join(out if wide else table.wrap(out))


def export(name, points, fmt, wide=False):
    """The sweep's table as Markdown or CSV (the same rows as the text table)."""
    rows = wide_body(name, points) if wide else compact_body(name, points)
    if fmt == "csv":
        return table.csv_text(rows)
    return "\n".join([table.markdown_row(rows[0]), table.markdown_row(["---"] * len(rows[0]))]
                     + [table.markdown_row(row) for row in rows[1:]])


def main(args):
    if args.scenario not in scenarios.names():
        raise UsageError(f"unknown scenario {args.scenario!r} (known: {', '.join(scenarios.names())})")
    spec = scenarios.load(args.scenario)
    models, plan, timeout = parse_run_options(args)
    memory_limit_bytes = parse_memory_limit(args.memory_limit)
    name, plans = plan_points(args.scenario, spec, args.param)
    plan = timing_plan.plan_for_sweep(plan)
    # As in `run`: a model named in --models that cannot run a point is refused before anything runs;
    # by default it is left out of the points it cannot run, with a note.
    explicit = args.models != ",".join(all_models_public())
    selection = select_models([(args.scenario, spec, params) for params in plans], models, explicit,
                              memory_limit_bytes)
    numeric = next(param for param in spec.PARAMS if param.name == name).kind in (int, float)
    progress = table.Progress()
    pythons = parse_pythons(args.python, progress)
    for line in selection.notes():
        output.emit(line)
    options = pipeline.Options(plan=plan, timeout_s=timeout, memory_limit_bytes=memory_limit_bytes,
                               interpreters=tuple(pythons or ()), memory_passes=args.memory, gc_mode=args.gc)
    points, fits = [], None
    # complete stays false until the last point is in: the file of an interrupted sweep says it is partial.
    sweep = Sweep(scenario=args.scenario, swept=name, values=[params[name] for params in plans], points=points,
                  gc=args.gc)
    for params, choice in zip(plans, selection.choices):  # the progress bar's total: every run of every point
        progress.expect(pipeline.planned_steps(args.scenario, spec, params, list(choice.kept), options))
    try:
        for index, (params, choice) in enumerate(zip(plans, selection.choices), 1):
            where = PointProgress(progress, f"point {index}/{len(plans)} {name}={show(params[name])}")
            for line in choice.notes():
                output.emit(line)
            points.append(pipeline.run_scenario(args.scenario, spec, params, list(choice.kept), options, where))
            fits = slopes(name, points) if numeric else None
            sweep.complete = index == len(plans)
            if args.json_target:
                sweep.slopes = fits
                write_json(args.json_target, sweep.to_json())
            if args.pyperf:
                try:
                    pyperf_file.write(args.pyperf, [(point, f"{name}={point.params[name]}") for point in points])
                except output.WriteFailed as exc:
                    raise UsageError(str(exc)) from None
    finally:
        progress.close()
    if args.format == "text":
        output.emit(render(args.scenario, name, points, fits, wide=args.wide))
    else:
        output.emit(export(name, points, args.format, wide=args.wide))
    return EXIT_OK if all(result.match for result in points) else EXIT_FAILED
