"""The lab report: `python -m fiberlab.lab.report` (make report) turns results/ into HTML.

Reads only results/*.json (written by fiberlab/lab/standard_sweeps.py) and
results/pythons/*.json (written by make compare-pythons, if run), and writes
results/report/index.html plus one PNG per chart beside it. The page works
offline: no CDN, no JavaScript; styles are inline, charts are <img> files.

The page is built from two registries, so adding to it is one entry:
- SECTIONS: (anchor, contents title, function(Context) -> HTML), in page
  order. It opens with the findings (fiberlab/lab/findings.py), then the
  environment, claims (fiberlab/lab/claims.py), measures, one section per
  scenario, and the charts by interpreter (fiberlab/lab/by_python.py).
- CHARTS: one Chart per chart: which sweep it reads, its axes (with units),
  the series it plots, and the paragraph printed under it (by default computed
  by lab_findings from the same series: lowest/highest model, bends,
  failures, each row's mechanism).
Each scenario section holds its sweeps' charts, each with its paragraph, the
comparison tables, and the source: pair views of model files aligned line by
line, and every file of the scenario (fiberlab/lab/source.py). Nothing on the
page is wider than its window: tables and code wrap or scroll inside their box.
"""

import argparse
import html
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from pygments.formatters import HtmlFormatter

from fiberlab import output, stats, table
from fiberlab.lab import charts as lab_charts
from fiberlab.lab import claims_html as lab_claims_html
from fiberlab.lab import findings as lab_findings
from fiberlab.lab import by_python
from fiberlab.lab import questions as lab_questions
from fiberlab.lab import source as lab_source
from fiberlab.lab import timeline as lab_timeline
from fiberlab.lab.charts import Point, interval

ENVIRONMENT_FIELDS = ("python", "implementation", "greenlet", "gevent", "gevent_loop", "psutil", "platform", "cpu", "cores")
log_wanted = lab_charts.log_wanted  # kept for callers of the old names
line_chart = lab_charts.line_chart
bar_chart = lab_charts.bar_chart

CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: sans-serif; margin: 0 auto; padding: 1em 2em; max-width: 1400px; color: #222; line-height: 1.35; }
h1 { margin: 0.2em 0 0.4em; font-size: 1.6em; }
.wide { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; display: block; max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; font-size: 0.9em; vertical-align: top; }
th { background: #eee; }
td { overflow-wrap: break-word; }  /* "anywhere" would let a narrow column break "confirmed" into letters */
code { overflow-wrap: anywhere; }
.confirmed { background: #d9f2d9; } .refuted { background: #f7d4d4; }
.partly { background: #fbf0c8; } .undecided { background: #e4e4e4; }
.findings { font-size: 1.05em; } .findings li { margin: 0.25em 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
.chart { flex: 1 1 560px; max-width: 680px; margin: 0; }
.chart img, .charts img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.chart .says { font-size: 0.9em; margin: 0.3em 0 0; }
.point { margin: 0.8em 0 0.1em; font-size: 1em; }
.params { color: #555; font-size: 0.85em; margin: 0 0 0.3em; overflow-wrap: anywhere; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.3em 1.2em; list-style: none; padding: 0; }
"""


SWEEP_KEYS = ("sweep", "scenario", "axis", "command", "points")
MEASURES_KEYS = ("bare_coroutine", "generator_memory", "recursion", "command")
OK_ENTRY_KEYS = ("ops", "wall_s", "ns_per_op", "memory", "stack")


def unusable(name, data):
    """Why a results/NAME.json the report cannot use is refused (one phrase), or None if it can."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if name == "measures":
        missing = [key for key in MEASURES_KEYS if key not in data]
        return f"no {', '.join(missing)}: not fiberlab.lab.measures' output" if missing else None
    if name == "timelines":
        scenes = data.get("scenes")
        return None if isinstance(scenes, dict) else "no scenes: not fiberlab.lab.timeline's output"
    if "sweep" not in data:
        hint = " (a `fiberlab run --json` result? the report reads make sweep's)" if "models" in data else ""
        return f"not a sweep's result{hint}"
    missing = [key for key in SWEEP_KEYS if key not in data]
    if missing:
        return f"an older or foreign schema: no {', '.join(missing)}"
    if data["sweep"] != name:
        return f"it says it is sweep {data['sweep']!r}, not {name!r}"
    if not isinstance(data["points"], list) or not data["points"]:
        return "no points"
    for point in data["points"]:
        models = (point.get("result") or {}).get("models") if isinstance(point, dict) else None
        if not isinstance(models, dict) or "value" not in point:
            return "a point without its value or its result's models"
        for model_id, entry in models.items():
            if not isinstance(entry, dict) or "status" not in entry:
                return f"model {model_id!r} has no status"
            if entry["status"] == "ok" and any(key not in entry for key in OK_ENTRY_KEYS):
                return f"model {model_id!r} lacks {', '.join(k for k in OK_ENTRY_KEYS if k not in entry)}: an older schema"
    return None


@dataclass(frozen=True)
class Chart:
    """One chart of one sweep, and the words under it."""

    sweep: str  # results/<sweep>.json it reads
    slug: str  # file name: <sweep>_<slug>.png
    title: str
    xlabel: str  # with its unit
    ylabel: str  # with its unit
    unit: str  # the unit the paragraph quotes values in
    says: str  # what the chart shows, one sentence
    series: Callable  # (data, results) -> {label: [Point]} (line) or {label: value} (bar)
    kind: str = "line"  # or "bar"
    lower_is_better: bool = True
    errors: Optional[Callable] = None  # bar only: (data, results) -> {label: (low, high)}
    paragraph: Optional[Callable] = None  # (chart, series, data, scenario) -> HTML; default from lab_findings


@dataclass
class Context:
    """What a section function reads: the loaded results and where the page goes."""

    results: dict
    results_dir: Path
    out_dir: Path
    by_scenario: dict = field(default_factory=dict)  # {scenario: [(sweep name, data)]}


def load_results(folder):
    """{name: data} for each results/NAME.json the report can use; each other file is
    skipped with one line on stderr naming it and why (a half-written, foreign or older file)."""
    results = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = f"not valid JSON (truncated?): {exc}" if isinstance(exc, ValueError) else f"cannot read it: {exc}"
            print(f"lab_report: skipping {path}: {why}", file=sys.stderr)
            continue
        why = unusable(path.stem, data)
        if why:
            print(f"lab_report: skipping {path}: {why}", file=sys.stderr)
            continue
        results[path.stem] = data
    return results


def esc(value):
    return html.escape(str(value))


def html_table(header, rows):
    head = "".join(f"<th>{esc(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<div class='wide'><table><tr>{head}</tr>{body}</table></div>"


def first_environment(results):
    for data in results.values():
        for point in data.get("points", []) if isinstance(data, dict) else []:
            return point["result"]["environment"]
    return {}


def environment_section(results):
    env = first_environment(results)
    rows = [(name, env.get(name, "-")) for name in ENVIRONMENT_FIELDS]
    return "<h2 id='environment'>Environment</h2>" + html_table(("what", "value"), rows)


def claims_section(results):
    return lab_claims_html.section(results)  # twelve claims, their figures and controls


# ---------------------------------------------------------------- series the charts plot


def _label(model, point):
    """A chart's name for a model's series: the model and how it hands over (its mechanism).
    Points run split (the load side in a process of its own) are a series of their own, drawn
    dashed and labelled so: one line never joins two layouts."""
    entry = point["result"]["models"][model]
    label = f"{model} ({entry['mechanism']})" if entry.get("mechanism") else model
    return f"{label}, split" if point["result"].get("params", {}).get("split") else label


def per_model(data, measure, timed=False, rate=False):
    """{label: [Point]} over the points where the model ran ok. timed: measure is derived from
    wall time, so it gets wall_s's interval when the result has one (rate: it is per second)."""
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] != "ok":
                continue
            y = measure(entry)
            low, high = interval(entry.get("wall_s"), -y if rate else y) if timed and y is not None else (None, None)
            series.setdefault(_label(model, point), []).append(Point(point["value"], y, low, high))
    return series


def bytes_per_task(entry):
    """Bytes held per suspended task: the USS slope, measured the same way for every model."""
    return entry["memory"]["bytes_per_task"] if entry.get("memory") else None


PARTS = ("C stack copied to the heap", "Python frames", "the rest: runtime objects, allocator")


def parts_of(entry):
    """The USS slope split into its parts, labelled as parts: what the probe found
    (C stack greenlet copied, the task's Python frames) and the rest of the slope.
    None if the entry has no slope."""
    whole = bytes_per_task(entry)
    if whole is None:
        return None
    stack = entry.get("stack") or {}
    copied, frames = stack.get("c_stack_bytes_per_task") or 0, stack.get("frame_bytes_per_task") or 0
    return dict(zip(PARTS, (copied, frames, max(0.0, whole - copied - frames))))


def stacked_bar_chart(out_dir, filename, title, ylabel, bars):
    """bars: {label: {part: value}}, parts in the same order for every bar; written as out_dir/filename."""
    figure, axes = lab_charts.plt.subplots(figsize=(6.4, 4.0), dpi=100)
    labels = list(bars)
    bottoms = [0.0] * len(labels)
    for part in PARTS:
        heights = [bars[label][part] for label in labels]
        axes.bar(labels, heights, bottom=bottoms, label=part)
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights)]
    axes.tick_params(axis="x", labelrotation=20)
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.grid(True, axis="y", alpha=0.3)
    axes.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(out_dir / filename, format="png")
    lab_charts.plt.close(figure)
    return filename


def deepest_parts(data):
    """(depth, {model: parts}) at the deepest point where a model has a slope: one depth for every bar."""
    for point in reversed(data["points"]):
        bars = {model: parts_of(entry) for model, entry in point["result"]["models"].items()
                if entry["status"] == "ok" and parts_of(entry) is not None}
        if bars:
            return point["value"], bars
    return None, {}


def latency_p99(entry):
    latency = (entry.get("records") or {}).get("latency_s") or {}
    return latency.get("p99") * 1e3 if latency.get("p99") is not None else None


def parts_chart(name, data, out_dir):
    """The stacked parts of bytes per task at the deepest depth with a slope: (filename, paragraph) or None."""
    depth, bars = deepest_parts(data)
    if not bars:
        return None
    filename = stacked_bar_chart(out_dir, f"{name}_parts.png", f"deep_chain depth {depth:,}: parts of bytes per task",
                                 "bytes per task (parts of the USS slope)", bars)
    biggest = {model: max(parts, key=parts.get) for model, parts in bars.items()}
    sentence = ("At depth {:,}, each model's bytes per task (its USS slope) split into parts, labelled as parts: "
                "the C stack greenlet copied to the heap, the task's Python frames, and the rest of the slope "
                "(runtime objects, allocator). Largest part: {}.").format(
        depth, "; ".join(f"{esc(model)}: {esc(part)}" for model, part in sorted(biggest.items())))
    words = lab_findings._paragraph([sentence], data, data.get("scenario", ""), list(bars))
    return filename, words


def _ok_points(data):
    """{series label: [(axis value, entry), ...]} over the points where the model ran ok."""
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                series.setdefault(_label(model, point), []).append((point["value"], entry))
    return series


def _per_task(data, measure):
    """{model: [Point(tasks, measure)]}: memory against the suspended task count."""
    return {m: [Point(e["stack"]["tasks"], measure(e)) for _, e in pts] for m, pts in _ok_points(data).items()}


def switch_bars(data, results):
    """One unit on this chart: a round trip (two hand-overs), which is pingpong's op,
    the bare greenlets' baseline, and the bare coroutine measure alike."""
    first = data["points"][0]["result"]["models"]
    bars = {model: entry["ns_per_op"] for model, entry in first.items() if entry["status"] == "ok"}
    baselines = [e["baseline_ns_per_op"] for e in first.values() if e.get("baseline_ns_per_op")]
    if baselines:
        bars["bare greenlets"] = stats.summary(baselines)["median"]
    bare = results.get("measures", {}).get("bare_coroutine")
    if bare and bare.get("ns_per_round_trip"):
        bars["bare coro.send()"] = bare["ns_per_round_trip"]
    return bars


def switch_errors(data, _results):
    first = data["points"][0]["result"]["models"]
    return {model: interval(entry.get("wall_s"), entry["ns_per_op"])
            for model, entry in first.items() if entry["status"] == "ok"}


CHARTS = [
    Chart("generator", "ns_per_item", "generator: ns per hand-over", "items (count)", "ns per item",
          "ns per item", "The time for one value to travel from producer to consumer, per model, as the item count grows.",
          lambda data, _r: per_model(data, lambda e: e["ns_per_op"], timed=True)),
    Chart("generator", "traced_peak", "generator: tracemalloc peak", "items (count)", "bytes (peak, tracemalloc)",
          "B", "The largest Python allocation seen while streaming the items: flat means one value at a time.",
          lambda data, _r: per_model(data, lambda e: e["memory"]["traced_peak_bytes"])),
    Chart("pingpong_switch", "ns_per_round_trip", "one round trip (two hand-overs)", "", "ns per round trip",
          "ns per round trip", "The cost of one round trip (control passed there and back: two hand-overs), "
          "with the bare floors beside the models, all in the same unit.",
          switch_bars, kind="bar", errors=switch_errors),
    Chart("pingpong_tasks", "uss_delta", "USS growth at the snapshot", "suspended tasks (count)", "bytes (USS growth)",
          "B", "The process's unique memory growth with this many tasks suspended at once.",
          lambda data, _r: _per_task(data, lambda e: e["memory"]["uss_delta_bytes"])),
    Chart("pingpong_tasks", "bytes_per_task", "USS growth per task", "suspended tasks (count)", "bytes per task",
          "B per task", "The same growth divided by the task count: where it settles is the cost of one idle task.",
          lambda data, _r: _per_task(data, lambda e: e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"])),
    Chart("deep_chain_depth", "ns_per_resume", "deep_chain: cost of one resume", "call-chain depth (frames)",
          "ns per resume", "ns", "The cost of suspending and resuming a task whose call chain is this deep.",
          lambda data, _r: per_model(data, lambda e: e["ns_per_op"], timed=True)),
    Chart("deep_chain_depth", "bytes_per_task", "deep_chain: bytes held per suspended task", "call-chain depth (frames)",
          "bytes per task (USS slope, every model)", "B per task",
          "What one more suspended task adds to the process's unique memory, measured the same way for every model "
          "(a slope across two task counts); its parts are in the next chart.",
          lambda data, _r: per_model(data, bytes_per_task)),
    Chart("connections", "messages_per_s", "connections: messages per second", "connections (count)", "messages/s",
          "messages/s", "Echo throughput as the number of open connections grows; split runs (load in its own "
          "process) are dashed.",
          lambda data, _r: per_model(data, lambda e: 1e9 / e["ns_per_op"] if e["ns_per_op"] else None, timed=True, rate=True),
          lower_is_better=False),
    Chart("connections", "p99_latency", "connections: p99 round-trip latency", "connections (count)", "ms (p99)",
          "ms", "The round trip that 99 in 100 messages beat, as connections grow.",
          lambda data, _r: per_model(data, latency_p99)),
    Chart("connections", "memory_per_connection", "connections: USS per connection", "connections (count)",
          "bytes per connection (USS)", "B per connection", "Unique memory growth divided by the connection count.",
          lambda data, _r: per_model(data, lambda e: e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"])),
]


def register_chart(chart):
    """Add a chart (another lane's sweep, say); it is drawn with its paragraph in its sweep's section."""
    CHARTS.append(chart)


def draw(chart, data, results, out_dir, scenario):
    """(filename, paragraph HTML) of one chart, or None when its series is empty."""
    series = chart.series(data, results)
    if not series:
        return None
    filename = f"{chart.sweep}_{chart.slug}.png"
    if chart.kind == "bar":
        errors = chart.errors(data, results) if chart.errors else None
        lab_charts.bar_chart(out_dir, filename, chart.title, chart.ylabel, series, errors)
        words = (chart.paragraph or lab_findings.bar_paragraph)(chart, series, data, scenario)
    else:
        lab_charts.line_chart(out_dir, filename, chart.title, chart.xlabel, chart.ylabel, series)
        words = (chart.paragraph or lab_findings.line_paragraph)(chart, series, data, scenario)
    return filename, words


class Recorder:
    """A line_chart that remembers what it drew, for a module that draws its own charts
    (lab_questions): each of its charts then gets its paragraph like a registered one."""

    def __init__(self):
        self.drawn = []  # (filename, Chart, series)

    def __call__(self, out_dir, filename, title, xlabel, ylabel, series):
        series = {label: [p if isinstance(p, Point) else Point(*p) for p in points] for label, points in series.items()}
        lab_charts.line_chart(out_dir, filename, title, xlabel, ylabel, series)
        self.drawn.append((filename, Chart("", "", title, xlabel, ylabel, ylabel, f"{title}.", None), series))
        return filename


def _drawn(name, data, results, out_dir):
    drawn = []
    if name in lab_questions.SWEEPS:  # issue 17's sweeps: their charts, each with a paragraph from its series
        recorder = Recorder()
        lab_questions.charts(name, data, results, out_dir, recorder)
        return [(filename, lab_findings.line_paragraph(chart, series, data, data.get("scenario", "")))
                for filename, chart, series in recorder.drawn]
    for chart in CHARTS:
        if chart.sweep == name and data.get("points"):
            made = draw(chart, data, results, out_dir, data.get("scenario", ""))
            if made:
                drawn.append(made)
    if name == "deep_chain_depth" and data.get("points"):
        made = parts_chart(name, data, out_dir)
        if made:
            drawn.append(made)
    return drawn


def sweep_charts(name, data, results, out_dir):
    figures = "".join(
        f"<figure class='chart'><img src='{esc(filename)}' alt='{esc(filename)}' width='640' height='400'>"
        f"<figcaption>{words}</figcaption></figure>"
        for filename, words in _drawn(name, data, results, out_dir)
    )
    # lab_questions' paragraph on the sweep as a whole ('' for a sweep it does not cover)
    return (f"<div class='charts'>{figures}</div>" if figures else "") + lab_questions.paragraph(name, data, results)


# ---------------------------------------------------------------- tables


def fitted_bytes_per_task(data):
    rows = []
    for model, points in _ok_points(data).items():
        fit = stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])
        rows.append((model, table.human_bytes(fit), f"{len(points)} points"))
    return "<p>Bytes per task, least-squares slope of USS growth over task count:</p>" + html_table(
        ("model", "bytes per task", "fit over"), rows)


def held_fixed(data):
    """The parameters every point of the sweep shares (shown once), and the axis."""
    params = [point["result"].get("params", {}) for point in data["points"]]
    if not params:
        return {}
    return {name: value for name, value in params[0].items()
            if name != data["axis"] and all(p.get(name) == value for p in params)}


def point_tables(data):
    fixed = held_fixed(data)
    parts = []
    if fixed:
        shown = ", ".join(f"{name}={value}" for name, value in fixed.items())
        parts.append(f"<p class='params'>Held fixed at every point: {esc(shown)}</p>")
    for point in data["points"]:
        result = point["result"]
        varying = {name: value for name, value in result.get("params", {}).items()
                   if name != data["axis"] and name not in fixed}
        extra = f" <small>({esc(', '.join(f'{k}={v}' for k, v in varying.items()))})</small>" if varying else ""
        parts.append(f"<h4 class='point'>{esc(data['axis'])} = {point['value']:,}{extra}</h4>")
        parts.append(html_table(table.COLUMNS, table.rows(result)))
        notes = [f"{model}: {entry['status']}: {entry['error']}" for model, entry in result["models"].items()
                 if entry["status"] != "ok"]
        notes += [f"{model}: {note}" for model, entry in result["models"].items() for note in entry.get("notes") or []]
        if notes:
            parts.append("<ul>" + "".join(f"<li>{esc(note)}</li>" for note in notes) + "</ul>")
    return "".join(parts)


def scenario_section(scenario, sweeps, results, out_dir):
    parts = [f"<h2 id='scenario-{esc(scenario)}'>Scenario: {esc(scenario)}</h2>"]
    for name, data in sweeps:
        parts.append(f"<h3 id='sweep-{esc(name)}'>Sweep {esc(name)}: {esc(data.get('purpose', ''))}</h3>")
        parts.append(f"<p>{len(data['points'])} points over {esc(data['axis'])}, {esc(data.get('repeat', '?'))} timed "
                     f"value(s) each; rerun: <code>{esc(data.get('command', 'make sweep'))}</code></p>")
        parts.append(sweep_charts(name, data, results, out_dir))
        if name == "pingpong_tasks":
            parts.append(fitted_bytes_per_task(data))
        parts.append(point_tables(data))
    parts.append(lab_source.source_section(scenario))
    return "<section>" + "".join(parts) + "</section>"


def floor_figures(results):
    """{model: (ns per hand-over, bytes per suspended task)} from the pingpong sweeps: a hand-over
    is half a pingpong_switch round trip; bytes per task is the USS slope over pingpong_tasks'
    points. Either may be None where that sweep lacks the model."""
    switch = (results.get("pingpong_switch") or {}).get("points") or []
    ns = {model: entry["ns_per_op"] / 2 for model, entry in switch[0]["result"]["models"].items()
          if entry["status"] == "ok"} if switch else {}
    tasks = results.get("pingpong_tasks")
    by_model = {}  # keyed by model id (not by series label): the rows of this chart are models
    for point in (tasks or {}).get("points") or []:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                by_model.setdefault(model, []).append((entry["stack"]["tasks"], entry["memory"]["uss_delta_bytes"]))
    bytes_ = {model: stats.slope(points) for model, points in by_model.items()}
    return {model: (ns.get(model), bytes_.get(model)) for model in list(ns) + [m for m in bytes_ if m not in ns]}


def floor_section(results, out_dir):
    """The native floor: every model's hand-over and suspended-task cost beside the C++ rows,
    as two panels on log axes (one quantity per panel), and the ratios in a table."""
    figures = floor_figures(results)
    native = [model for model in figures if model.startswith("cpp_") and model != "cpp_ucontext"]
    if not native:
        return ""
    figure, panels = lab_charts.plt.subplots(1, 2, figsize=(11, 0.45 * len(figures) + 1.6), dpi=100)
    models = sorted(figures, key=lambda model: figures[model][0] or float("inf"))
    floors = []
    for panel, index, label in ((panels[0], 0, "ns per hand-over"), (panels[1], 1, "bytes per suspended task")):
        shown = [model for model in models if figures[model][index] and figures[model][index] > 0]
        panel.barh(shown, [figures[model][index] for model in shown],
                   color=["#c0504d" if model.startswith("cpp_") else "#4a7ab5" for model in shown])
        floor = min((figures[model][index] for model in native if figures[model][index]), default=None)
        floors.append(floor)
        if floor:
            panel.axvline(floor, color="#c0504d", linestyle="--", linewidth=1)
        panel.set_xscale("log")
        panel.set_xlabel(label + " (log)")
        panel.invert_yaxis()
        panel.grid(True, axis="x", which="both", alpha=0.3)
    panels[0].set_title("one hand-over (pingpong_switch)")
    panels[1].set_title("one suspended task (USS slope, pingpong_tasks)")
    figure.tight_layout()
    figure.savefig(out_dir / "floor.png", format="png")
    lab_charts.plt.close(figure)

    def ratio(value, floor):
        return f"{value / floor:,.1f}x" if value and floor else "-"

    rows = [(model, f"{ns:,.1f}" if ns else "-", ratio(ns, floors[0]), table.human_bytes(per_task),
             ratio(per_task, floors[1])) for model in models for ns, per_task in [figures[model]]]
    return ("<h2 id='floor'>The native floor</h2>"
            "<p>Each Python model beside the same game in C++ (red; the dashed line is the fastest or "
            "smallest native row; cpp_ucontext, glibc's swapcontext, is shown but never the floor). "
            "Both axes are logarithmic.</p>"
            "<div class='charts'><img src='floor.png' alt='floor.png'></div>"
            + html_table(("model", "ns per hand-over", "vs native", "bytes per suspended task", "vs native"), rows))


def measures_section(results):
    measures = results.get("measures")
    if not measures:
        return ""
    bare = measures["bare_coroutine"]
    round_trip = bare.get("ns_per_round_trip", bare.get("ns_per_hand_over"))  # older files: the same round trip
    rows = [("bare coro.send() round trip (send in, yield back)", f"{round_trip:,.0f} ns per round trip")]
    for point in measures["generator_memory"]["points"]:
        rows.append((f"tracemalloc peak, generator of {point['items']:,} items",
                     f"{point['generator_peak_bytes']:,} B (list: {point['list_peak_bytes']:,} B)"))
    for kind, depth in measures["recursion"]["deepest"].items():
        rows.append((f"deepest {kind} at recursion limit {measures['recursion']['limit']}", f"{depth:,}"))
    return ("<h2 id='measures'>Measurements outside the scenarios</h2>"
            f"<p>fiberlab/lab/measures.py; rerun: <code>{esc(measures['command'])}</code></p>"
            + html_table(("measure", "value"), rows))


def scenarios_sections(ctx):
    return "".join(scenario_section(scenario, sweeps, ctx.results, ctx.out_dir)
                   for scenario, sweeps in sorted(ctx.by_scenario.items()))


# (anchor, title in the contents, function(Context) -> HTML), in page order; findings first.
SECTIONS = [
    ("findings", "findings", lambda ctx: lab_findings.findings_section(ctx.results)),
    ("environment", "environment", lambda ctx: environment_section(ctx.results)),
    ("claims", "claims", lambda ctx: claims_section(ctx.results)),
    ("timelines", "switch timelines", lambda ctx: lab_timeline.section(ctx.results.get("timelines"), ctx.out_dir)),
    ("measures", "measures", lambda ctx: measures_section(ctx.results)),
    ("floor", "the native floor", lambda ctx: floor_section(ctx.results, ctx.out_dir)),
    ("scenarios", None, scenarios_sections),  # its scenarios are listed in the contents one by one
    ("pythons", "across Python versions", lambda ctx: by_python.section(ctx.results_dir, ctx.out_dir)),
]


def register_section(anchor, title, make, before="pythons"):
    """Add a section (function(Context) -> HTML) before the one with anchor `before`."""
    index = next((i for i, section in enumerate(SECTIONS) if section[0] == before), len(SECTIONS))
    SECTIONS.insert(index, (anchor, title, make))


def contents(ctx):
    items = []
    for anchor, title, _make in SECTIONS:
        if anchor == "scenarios":
            items += [f"<li><a href='#scenario-{esc(s)}'>{esc(s)}</a></li>" for s in sorted(ctx.by_scenario)]
        elif title:
            items.append(f"<li><a href='#{esc(anchor)}'>{esc(title)}</a></li>")
    return "<nav><ul>" + "".join(items) + "</ul></nav>"


def drawn_section(anchor, make, ctx):
    """One section's HTML; a section whose results have a shape it cannot read says so in one line
    (on the page and on stderr) and the rest of the page is still written."""
    try:
        return make(ctx)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, AttributeError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        print(f"lab_report: section {anchor!r} not drawn: {why}", file=sys.stderr)
        return f"<p class='not-drawn' id='{esc(anchor)}'>Section {esc(anchor)} not drawn: {esc(why)}</p>"


def build(results_dir, out_dir, results=None):
    """results: load_results(results_dir) if the caller has it already (its skip lines said once)."""
    results_dir, out_dir = Path(results_dir), Path(out_dir)
    results = load_results(results_dir) if results is None else results
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(results, results_dir, out_dir)
    for name, data in results.items():
        if isinstance(data, dict) and "scenario" in data:
            ctx.by_scenario.setdefault(data["scenario"], []).append((name, data))
    sections = "".join(drawn_section(anchor, make, ctx) for anchor, _title, make in SECTIONS)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'><title>fiberlab report</title>"
        f"<style>{CSS}{lab_source.CSS}{HtmlFormatter().get_style_defs('.highlight')}</style></head><body>"
        "<h1>fiberlab: fibers and coroutines, measured</h1>"
        f"{contents(ctx)}{sections}</body></html>\n"
    )
    output.replace_atomically(str(out_dir / "index.html"), lambda tmp: Path(tmp).write_text(page))
    return out_dir / "index.html"


def check_out_dir(out_dir):
    """None if OUT_DIR is (or can be made) a folder we can write in, else the one line that says why;
    checked before any chart is drawn, so a bad folder costs no work."""
    if out_dir.exists() and not out_dir.is_dir():
        return f"--out {str(out_dir)!r} is a file, not a folder"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".fiberlab-check-") as probe:
            probe.write(b"x" * 4096)  # a full disk refuses the data, not the empty file
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return f"--out {str(out_dir)!r}: cannot write in it: {exc.strerror or exc}"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.report", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--results", default="results", help="folder the sweep wrote (default results)")
    parser.add_argument("--out", help="folder for index.html and the charts (default RESULTS/report)")
    output.protect_streams()
    args = parser.parse_args(argv)
    results_dir = Path(args.results)
    out_dir = Path(args.out) if args.out else results_dir / "report"
    try:
        results = load_results(results_dir)
        if not results and not list((results_dir / by_python.FOLDER).glob("*.json")):
            output.say(f"lab_report: no results in {results_dir}/ it can use: run make sweep first")
            return 2
        refusal = check_out_dir(out_dir)
        if refusal:
            output.say(f"lab_report: {refusal}")
            return 2
        page = build(results_dir, out_dir, results)
    except OSError as exc:  # a disk that fills while the charts are written, a folder removed meanwhile
        output.say(f"lab_report: could not write the report into {out_dir}: {exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        output.say("lab_report: interrupted; index.html left as it was")
        return 130
    output.emit(f"lab_report: wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
