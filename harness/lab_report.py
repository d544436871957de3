"""The lab report: `python -m harness.lab_report` (make report) turns results/ into HTML.

Reads only results/*.json (written by harness/lab_sweeps.py) and
results/pythons/*.json (written by make compare-pythons, if run), and writes
results/report/index.html plus one PNG per chart beside it. The page works
offline: no CDN, no JavaScript; styles are inline, charts are <img> files.
Sections: environment, claims (harness/lab_claims.py), then one section per
scenario with its comparison tables, charts and the three model files side
by side with every suspension point (a `# ->` comment) highlighted, and
last the charts by interpreter (harness/lab_pythons.py).
"""

import argparse
import html
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from pygments import highlight  # noqa: E402
from pygments.formatters import HtmlFormatter  # noqa: E402
from pygments.lexers import PythonLexer  # noqa: E402

from harness import lab_claims_html, lab_pythons, lab_questions, lab_timeline, report, stats  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILES = ("greenlet_fibers.py", "gevent_hub.py", "asyncio_tasks.py")  # the design's three, side by side
SUSPENSION_MARK = "# ->"
LOG_RANGE = 50  # an axis whose values span more than this factor is drawn logarithmic
ENVIRONMENT_FIELDS = ("python", "implementation", "greenlet", "gevent", "gevent_loop", "psutil", "platform", "cpu", "cores")

CSS = """
body { font-family: sans-serif; margin: 2em; max-width: 110em; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #bbb; padding: 0.2em 0.6em; text-align: left; font-size: 0.9em; vertical-align: top; }
th { background: #eee; }
.confirmed { background: #d9f2d9; } .refuted { background: #f7d4d4; }
.partly { background: #fbf0c8; } .undecided { background: #e4e4e4; }
.charts img { max-width: 46%; margin: 0.5em; border: 1px solid #ddd; }
.sources { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.8em; }
.sources h4 { margin: 0.3em 0; font-family: monospace; }
.sources pre { font-size: 0.72em; overflow-x: auto; margin: 0; }
.highlight .hll { background-color: #ffe58a; }
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
        return f"no {', '.join(missing)}: not harness.lab_measures' output" if missing else None
    if name == "timelines":
        scenes = data.get("scenes")
        return None if isinstance(scenes, dict) else "no scenes: not harness.lab_timeline's output"
    if "sweep" not in data:
        hint = " (a `harness run --json` result? the report reads make sweep's)" if "models" in data else ""
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
    return f"<table><tr>{head}</tr>{body}</table>"


def first_environment(results):
    for data in results.values():
        for point in data.get("points", []):
            return point["result"]["environment"]
    return {}


def environment_section(results):
    env = first_environment(results)
    rows = [(name, env.get(name, "-")) for name in ENVIRONMENT_FIELDS]
    return "<h2 id='environment'>Environment</h2>" + html_table(("what", "value"), rows)


def claims_section(results):
    return lab_claims_html.section(results)  # twelve claims, their figures and controls


def log_wanted(values):
    positive = [value for value in values if value and value > 0]
    return len(positive) >= 2 and max(positive) / min(positive) > LOG_RANGE


def line_chart(out_dir, filename, title, xlabel, ylabel, series):
    """series: {label: [(x, y), ...]}; written as out_dir/filename (PNG). Returns the filename."""
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    xs, ys = [], []
    for label, points in series.items():
        points = [(x, y) for x, y in points if y is not None]
        if points:
            axes.plot(*zip(*points), marker="o", label=label)
            xs += [x for x, _ in points]
            ys += [y for _, y in points]
    if log_wanted(xs):
        axes.set_xscale("log")
    if log_wanted(ys):
        axes.set_yscale("log")
    axes.set_title(title)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, which="both", alpha=0.3)
    if series:
        axes.legend()
    figure.tight_layout()
    figure.savefig(out_dir / filename, format="png")
    plt.close(figure)
    return filename


def bar_chart(out_dir, filename, title, ylabel, bars):
    """bars: {label: value}; written as out_dir/filename (PNG). Returns the filename."""
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=100)
    labels = list(bars)
    axes.bar(labels, [bars[label] for label in labels], color="#4a7ab5")
    axes.tick_params(axis="x", labelrotation=20)
    if log_wanted(list(bars.values())):
        axes.set_yscale("log")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.grid(True, axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(out_dir / filename, format="png")
    plt.close(figure)
    return filename


def per_model(data, measure):
    """{model: [(axis value, measure(entry)), ...]} over the points where the model ran ok."""
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                series.setdefault(model, []).append((point["value"], measure(entry)))
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
    figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=100)
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
    plt.close(figure)
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


def charts_for(name, data, results, out_dir):
    """The PNG files of one sweep's charts."""
    axis = data["axis"]
    if name == "generator":
        return [
            line_chart(out_dir, f"{name}_ns_per_item.png", "generator: ns per hand-over", axis, "ns per item",
                       per_model(data, lambda e: e["ns_per_op"])),
            line_chart(out_dir, f"{name}_traced_peak.png", "generator: tracemalloc peak", axis, "bytes",
                       per_model(data, lambda e: e["memory"]["traced_peak_bytes"])),
        ]
    if name == "pingpong_switch":
        # One unit on this chart: a round trip (two hand-overs), which is pingpong's op,
        # the bare greenlets' baseline, and the bare coroutine measure alike.
        bars = {model: entry["ns_per_op"] for model, entry in data["points"][0]["result"]["models"].items()
                if entry["status"] == "ok"}
        baselines = [e["baseline_ns_per_op"] for e in data["points"][0]["result"]["models"].values()
                     if e.get("baseline_ns_per_op")]
        if baselines:
            bars["bare greenlets"] = stats.summary(baselines)["median"]
        bare = results.get("measures", {}).get("bare_coroutine")
        if bare and bare.get("ns_per_round_trip"):
            bars["bare coro.send()"] = bare["ns_per_round_trip"]
        return [bar_chart(out_dir, f"{name}_ns_per_round_trip.png", "one round trip (two hand-overs)",
                          "ns per round trip", bars)]
    if name == "pingpong_tasks":
        return [
            line_chart(out_dir, f"{name}_uss_delta.png", "USS growth at the snapshot", "suspended tasks", "bytes",
                       {m: [(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in pts]
                        for m, pts in _ok_points(data).items()}),
            line_chart(out_dir, f"{name}_bytes_per_task.png", "USS growth per task", "suspended tasks", "bytes per task",
                       {m: [(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"]) for _, e in pts]
                        for m, pts in _ok_points(data).items()}),
        ]
    if name == "deep_chain_depth":
        return [
            line_chart(out_dir, f"{name}_ns_per_resume.png", "deep_chain: cost of one resume", "depth", "ns per resume",
                       per_model(data, lambda e: e["ns_per_op"])),
            line_chart(out_dir, f"{name}_bytes_per_task.png", "deep_chain: bytes held per suspended task", "depth",
                       "bytes per task (USS slope, every model)", per_model(data, bytes_per_task)),
        ] + parts_chart(name, data, out_dir)
    if name in lab_questions.SWEEPS:
        return lab_questions.charts(name, data, results, out_dir, line_chart)
    if name == "connections":
        return [
            line_chart(out_dir, f"{name}_messages_per_s.png", "connections: messages per second", axis, "messages/s",
                       per_model(data, lambda e: e["ops"] / e["wall_s"]["median"])),
            line_chart(out_dir, f"{name}_p99_latency.png", "connections: p99 round-trip latency", axis, "ms",
                       per_model(data, latency_p99)),
            line_chart(out_dir, f"{name}_memory_per_connection.png", "connections: USS per connection", axis, "bytes",
                       per_model(data, lambda e: e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"])),
        ]
    return []


def parts_chart(name, data, out_dir):
    depth, bars = deepest_parts(data)
    if not bars:
        return []
    return [stacked_bar_chart(out_dir, f"{name}_parts.png", f"deep_chain depth {depth:,}: parts of bytes per task",
                              "bytes per task (parts of the USS slope)", bars)]


def _ok_points(data):
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                series.setdefault(model, []).append((point["value"], entry))
    return series


def fitted_bytes_per_task(data):
    rows = []
    for model, points in _ok_points(data).items():
        fit = stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])
        rows.append((model, report.human_bytes(fit), f"{len(points)} points"))
    return "<p>Bytes per task, least-squares slope of USS growth over task count:</p>" + html_table(
        ("model", "bytes per task", "fit over"), rows)


def point_tables(data):
    parts = []
    for point in data["points"]:
        result = point["result"]
        params = ", ".join(f"{name}={value}" for name, value in result["params"].items())
        parts.append(f"<h4>{esc(data['axis'])} = {point['value']:,} <small>({esc(params)})</small></h4>")
        parts.append(html_table(report.COLUMNS, report.rows(result)))
        notes = [f"{model}: {entry['status']}: {entry['error']}" for model, entry in result["models"].items()
                 if entry["status"] != "ok"]
        notes += [f"{model}: {note}" for model, entry in result["models"].items() for note in entry.get("notes") or []]
        if notes:
            parts.append("<ul>" + "".join(f"<li>{esc(note)}</li>" for note in notes) + "</ul>")
    return "".join(parts)


def suspension_lines(text):
    return [number for number, line in enumerate(text.splitlines(), 1) if SUSPENSION_MARK in line]


def sources_block(scenario):
    columns = []
    for filename in SOURCE_FILES:
        path = REPO_ROOT / "scenarios" / scenario / filename
        if not path.exists():
            continue
        text = path.read_text()
        formatter = HtmlFormatter(linenos="inline", hl_lines=suspension_lines(text))
        columns.append(f"<div><h4>{esc(filename)}</h4>{highlight(text, PythonLexer(), formatter)}</div>")
    legend = (f"<p>The three model files side by side; highlighted lines are the suspension points "
              f"(a <code>{esc(SUSPENSION_MARK)}</code> comment says where control goes).</p>")
    return f"<h3>Source</h3>{legend}<div class='sources'>{''.join(columns)}</div>"


def scenario_section(scenario, sweeps, results, out_dir):
    parts = [f"<h2 id='scenario-{esc(scenario)}'>Scenario: {esc(scenario)}</h2>"]
    for name, data in sweeps:
        parts.append(f"<h3>Sweep {esc(name)}: {esc(data['purpose'])}</h3>")
        parts.append(f"<p>{len(data['points'])} points over {esc(data['axis'])}, {data['repeat']} timed run(s) each; "
                     f"rerun: <code>{esc(data['command'])}</code></p>")
        charts = charts_for(name, data, results, out_dir)
        parts.append("<div class='charts'>" + "".join(
            f"<img src='{esc(chart)}' alt='{esc(chart)}'>" for chart in charts) + "</div>")
        parts.append(lab_questions.paragraph(name, data, results))  # '' for a sweep it does not cover
        if name == "pingpong_tasks":
            parts.append(fitted_bytes_per_task(data))
        parts.append(point_tables(data))
    parts.append(sources_block(scenario))
    return "<section>" + "".join(parts) + "</section>"


def floor_figures(results):
    """{model: (ns per hand-over, bytes per suspended task)} from the pingpong sweeps: a hand-over
    is half a pingpong_switch round trip; bytes per task is the USS slope over pingpong_tasks'
    points. Either may be None where that sweep lacks the model."""
    switch = (results.get("pingpong_switch") or {}).get("points") or []
    ns = {model: entry["ns_per_op"] / 2 for model, entry in switch[0]["result"]["models"].items()
          if entry["status"] == "ok"} if switch else {}
    tasks = results.get("pingpong_tasks")
    bytes_ = {model: stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])
              for model, points in _ok_points(tasks).items()} if tasks else {}
    return {model: (ns.get(model), bytes_.get(model)) for model in list(ns) + [m for m in bytes_ if m not in ns]}


def floor_section(results, out_dir):
    """The native floor: every model's hand-over and suspended-task cost beside the C++ rows,
    as two panels on log axes (one quantity per panel), and the ratios in a table."""
    figures = floor_figures(results)
    native = [model for model in figures if model.startswith("cpp_") and model != "cpp_ucontext"]
    if not native:
        return ""
    figure, panels = plt.subplots(1, 2, figsize=(11, 0.45 * len(figures) + 1.6), dpi=100)
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
    plt.close(figure)

    def ratio(value, floor):
        return f"{value / floor:,.1f}x" if value and floor else "-"

    rows = [(model, f"{ns:,.1f}" if ns else "-", ratio(ns, floors[0]), report.human_bytes(per_task),
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
            f"<p>harness/lab_measures.py; rerun: <code>{esc(measures['command'])}</code></p>"
            + html_table(("measure", "value"), rows))


def build(results_dir, out_dir, results=None):
    """results: load_results(results_dir) if the caller has it already (its skip lines said once)."""
    results = load_results(results_dir) if results is None else results
    out_dir.mkdir(parents=True, exist_ok=True)
    by_scenario = {}
    for name, data in results.items():
        if "scenario" in data:
            by_scenario.setdefault(data["scenario"], []).append((name, data))
    sections = [environment_section(results), claims_section(results),
                lab_timeline.section(results.get("timelines"), out_dir), measures_section(results),
                floor_section(results, out_dir)]
    sections += [scenario_section(scenario, sweeps, results, out_dir) for scenario, sweeps in sorted(by_scenario.items())]
    sections.append(lab_pythons.section(results_dir, out_dir))  # make compare-pythons' results/pythons/, if any
    toc = "".join(f"<li><a href='#scenario-{esc(s)}'>{esc(s)}</a></li>" for s in sorted(by_scenario))
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>fiberlab report</title>"
        f"<style>{CSS}{HtmlFormatter().get_style_defs('.highlight')}</style></head><body>"
        "<h1>fiberlab: fibers and coroutines, measured</h1>"
        f"<ul><li><a href='#environment'>environment</a></li><li><a href='#claims'>claims</a></li><li><a href='#timelines'>switch timelines</a></li>{toc}"
        "<li><a href='#pythons'>across Python versions</a></li></ul>"
        + "".join(sections) + "</body></html>\n"
    )
    tmp = out_dir / "index.html.tmp"
    tmp.write_text(page)
    tmp.replace(out_dir / "index.html")
    return out_dir / "index.html"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m harness.lab_report", description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results", help="folder the sweep wrote (default results)")
    parser.add_argument("--out", help="folder for index.html and the charts (default RESULTS/report)")
    args = parser.parse_args(argv)
    results_dir = Path(args.results)
    results = load_results(results_dir)
    if not results and not list((results_dir / lab_pythons.FOLDER).glob("*.json")):
        print(f"lab_report: no results in {results_dir}/ it can use: run make sweep first", file=sys.stderr)
        return 2
    page = build(results_dir, Path(args.out) if args.out else results_dir / "report", results)
    print(f"lab_report: wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
