"""Which charts the report draws: one registered Chart per chart, and the series each plots.

A Chart names the sweep it reads (results/<sweep>.json), its axes with their
units, what it shows (the image's alt text), and how to get its series from
the results. One quantity per chart, one unit per axis; every timing series
carries its interval (fiberlab/lab/figures.py), drawn as error bars. Per
scenario one chart is the headline (shown beside the largest point's table);
the others fold out. The chart-drawing itself is fiberlab/lab/charts.py; the
caption under each chart is one sentence from fiberlab/lab/findings.py.
Adding a chart is one register_chart() call.
"""

from dataclasses import dataclass
from typing import Callable, Optional

from fiberlab import stats, table
from fiberlab.lab import charts as lab_charts
from fiberlab.lab import figures
from fiberlab.lab import findings as lab_findings
from fiberlab.lab import questions as lab_questions
from fiberlab.lab.charts import Point


@dataclass(frozen=True)
class Chart:
    """One chart of one sweep, and what it shows."""

    sweep: str  # results/<sweep>.json it reads
    slug: str  # file name: <sweep>_<slug>.png
    title: str
    xlabel: str  # with its unit
    ylabel: str  # with its unit
    unit: str  # the unit its caption quotes values in
    says: str  # what the chart shows, one sentence: the image's alt text
    series: Callable  # (data, results) -> {label: [Point]} (line) or {label: value} (bar)
    kind: str = "line"  # or "bar"
    lower_is_better: bool = True
    errors: Optional[Callable] = None  # bar only: (data, results) -> {label: (low, high)}
    headline: bool = False  # the one chart its scenario shows before the fold-outs

    @property
    def anchor(self):
        return f"chart-{self.sweep}-{self.slug}"


@dataclass(frozen=True)
class Drawn:
    """A chart as drawn: its file, the Chart, and the caption sentence (HTML)."""

    filename: str
    chart: Chart
    caption: str


def label(model, point):
    """A chart's name for a model's series: the model id. Points run split (the load side in a
    process of its own) are a series of their own, drawn dashed: one line never joins two layouts."""
    return f"{model}, split" if point["result"].get("params", {}).get("split") else model


def per_model(data, measure):
    """{label: [Point]} over the points where the model ran ok; measure(entry) -> Figure or None."""
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            figure = measure(entry) if entry["status"] == "ok" else None
            if figure is not None:
                series.setdefault(label(model, point), []).append(
                    Point(point["value"], figure.value, figure.low, figure.high))
    return series


def plain(read):
    """A measure without an interval: read(entry) -> number or None, as a Figure."""
    def measure(entry):
        value = read(entry)
        return figures.Figure(value) if value is not None else None
    return measure


PARTS = ("C stack copied to the heap", "Python frames", "the rest: runtime objects, allocator")


def parts_of(entry):
    """The USS slope split into its parts, labelled as parts: what the probe found
    (C stack greenlet copied, the task's Python frames) and the rest of the slope.
    None if the entry has no slope."""
    whole = figures.bytes_per_task(entry)
    if whole is None:
        return None
    stack = entry.get("stack") or {}
    copied, frames = stack.get("c_stack_bytes_per_task") or 0, stack.get("frame_bytes_per_task") or 0
    return dict(zip(PARTS, (copied, frames, max(0.0, whole.value - copied - frames))))


def deepest_parts(data):
    """(depth, {model: parts}) at the deepest point where a model has a slope: one depth for every bar."""
    for point in reversed(data["points"]):
        bars = {model: parts_of(entry) for model, entry in point["result"]["models"].items()
                if entry["status"] == "ok" and parts_of(entry) is not None}
        if bars:
            return point["value"], bars
    return None, {}


def stacked_bar_chart(out_dir, filename, title, ylabel, bars):
    """bars: {label: {part: value}}, parts in the same order for every bar; written as out_dir/filename."""
    figure, axes = lab_charts.plt.subplots(figsize=lab_charts.FIGSIZE, dpi=lab_charts.DPI, layout="constrained")
    labels = list(bars)
    bottoms = [0.0] * len(labels)
    for part in PARTS:
        heights = [bars[name][part] for name in labels]
        axes.bar(labels, heights, bottom=bottoms, label=part)
        bottoms = [bottom + height for bottom, height in zip(bottoms, heights)]
    axes.tick_params(axis="x", labelrotation=20)
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.grid(True, axis="y", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    figure.savefig(out_dir / filename, format="png")
    lab_charts.plt.close(figure)
    return filename


def parts_chart(name, data, out_dir):
    """The stacked parts of bytes per task at the deepest depth with a slope, as a Drawn, or None."""
    depth, bars = deepest_parts(data)
    if not bars:
        return None
    chart = Chart(name, "parts", f"depth {depth:,}: parts of bytes per task", "model",
                  "bytes per task (parts of the USS slope)", "B",
                  f"Bytes held per suspended task at depth {depth:,}, each model's bar split into the C stack "
                  "greenlet copied, the task's Python frames, and the rest of the slope.", None, kind="bar")
    filename = stacked_bar_chart(out_dir, f"{name}_parts.png", chart.title, chart.ylabel, bars)
    biggest = {model: max(parts, key=parts.get) for model, parts in bars.items()}
    caption = f"At depth {depth:,}, the largest part of each model's bytes per task: " + "; ".join(
        f"{model}, {part} ({figures.number(bars[model][part])} B)" for model, part in sorted(biggest.items())) + "."
    return Drawn(filename, chart, lab_findings.esc(caption))


def latency_p99_ms(entry):
    return figures.record(entry, "latency_s", "p99", 1e3)


def per_task(data, measure):
    """{label: [Point(tasks, measure(entry))]}: memory against the suspended task count."""
    series = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok" and measure(entry) is not None:
                series.setdefault(label(model, point), []).append(Point(entry["stack"]["tasks"], measure(entry)))
    return series


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
    spans = {}
    for model, entry in first.items():
        figure = figures.timing(entry)
        if figure is not None and figure.low is not None:
            spans[model] = (figure.low, figure.high)
    return spans


CHARTS = [
    Chart("generator", "ns_per_item", "generator: ns per hand-over", "items (count)", "ns per item",
          "ns per item", "Time for one value to travel from producer to consumer, per model, against the item count.",
          lambda data, _r: per_model(data, figures.timing), headline=True),
    Chart("generator", "traced_peak", "generator: tracemalloc peak", "items (count)", "bytes (peak, tracemalloc)",
          "B", "The largest Python allocation while streaming the items, per model: flat means one value at a time.",
          lambda data, _r: per_model(data, plain(lambda e: e["memory"]["traced_peak_bytes"]))),
    Chart("pingpong_switch", "ns_per_round_trip", "one round trip (two hand-overs)", "", "ns per round trip",
          "ns per round trip", "Time for one round trip (control passed there and back) per model, with the "
          "bare greenlet and coroutine floors beside them.", switch_bars, kind="bar", errors=switch_errors,
          headline=True),
    Chart("pingpong_tasks", "bytes_per_task", "USS growth per task", "suspended tasks (count)", "bytes per task",
          "B per task", "Unique memory growth divided by the number of suspended tasks, per model, against that "
          "number: where it settles is the cost of one idle task.",
          lambda data, _r: per_task(data, lambda e: e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"])),
    Chart("idle", "bytes_per_task", "idle: bytes per suspended task", "tasks (count)",
          "bytes per task (USS slope)", "B per task", "Bytes one more parked task adds to the process (a slope "
          "across two task counts), per model, against the task count.",
          lambda data, _r: per_model(data, figures.bytes_per_task), headline=True),
    Chart("idle", "create_ns", "idle: time to create one task", "tasks (count)", "ns per task created",
          "ns", "Time from the first spawn until every task waits, per task, per model, against the task count.",
          lambda data, _r: per_model(data, lambda e: figures.record(e, "create_ns_per_task"))),
    Chart("deep_chain_depth", "ns_per_resume", "deep_chain: cost of one resume", "call-chain depth (frames)",
          "ns per resume", "ns", "Time to suspend and resume a task whose call chain is this deep, per model.",
          lambda data, _r: per_model(data, figures.timing), headline=True),
    Chart("deep_chain_depth", "bytes_per_task", "deep_chain: bytes per suspended task", "call-chain depth (frames)",
          "bytes per task (USS slope)", "B per task",
          "Bytes one more suspended task adds to the process at each depth (a slope across two task counts), "
          "per model.", lambda data, _r: per_model(data, figures.bytes_per_task)),
    Chart("connections", "messages_per_s", "connections: messages per second", "connections (count)", "messages/s",
          "messages/s", "Echo throughput per model against the number of open connections; split runs (load in "
          "its own process) are dashed.", lambda data, _r: per_model(data, figures.rate), lower_is_better=False,
          headline=True),
    Chart("connections", "p99_latency", "connections: p99 round-trip latency", "connections (count)", "ms (p99)",
          "ms", "The round trip that 99 in 100 messages beat, per model, against the number of connections.",
          lambda data, _r: per_model(data, latency_p99_ms)),
    Chart("connections", "memory_per_connection", "connections: USS per connection", "connections (count)",
          "bytes per connection (USS)", "B per connection",
          "Unique memory growth divided by the connection count, per model, against the connection count.",
          lambda data, _r: per_model(data, plain(lambda e: e["memory"]["uss_delta_bytes"] / e["stack"]["tasks"]))),
]
CHARTS += [
    Chart("http", "requests_per_s", "http: requests per second", "keep-alive connections (count)", "requests/s",
          "requests/s", "Requests answered per second per model (its own clients, h11 on every model) against the "
          "number of keep-alive connections; split runs (clients in their own process) are dashed.",
          lambda data, _r: per_model(data, figures.rate), lower_is_better=False, headline=True),
    Chart("http", "p99_latency", "http: p99 request latency", "keep-alive connections (count)", "ms (p99)", "ms",
          "The request (sent, whole response read) that 99 in 100 beat, per model, against the connections.",
          lambda data, _r: per_model(data, latency_p99_ms)),
    Chart("http", "p50_latency", "http: median request latency", "keep-alive connections (count)", "ms (p50)", "ms",
          "The median request (sent, whole response read), per model, against the connections.",
          lambda data, _r: per_model(data, lambda e: figures.record(e, "latency_s", "p50", 1e3))),
]
# Scenarios whose headline is drawn by fiberlab/lab/questions.py: its first chart of this sweep.
QUESTION_HEADLINES = {"deep_chain_via_c": None, "cancel_depth": "cancel_to_end_p99", "fairness_slice": "lateness_max"}


def register_chart(chart):
    """Add a chart (another lane's sweep, say); it is drawn with its caption in its sweep's section."""
    CHARTS.append(chart)


def draw(chart, data, results, out_dir):
    """The Drawn chart, or None when its series is empty."""
    series = chart.series(data, results)
    if not series:
        return None
    filename = f"{chart.sweep}_{chart.slug}.png"
    if chart.kind == "bar":
        errors = chart.errors(data, results) if chart.errors else None
        lab_charts.bar_chart(out_dir, filename, chart.title, chart.ylabel, series, errors)
        caption = lab_findings.bar_caption(chart, series)
    else:
        lab_charts.line_chart(out_dir, filename, chart.title, chart.xlabel, chart.ylabel, series)
        caption = lab_findings.line_caption(chart, series, data)
    return Drawn(filename, chart, caption)


class Recorder:
    """A line_chart that remembers what it drew, for a module that draws its own charts
    (lab_questions): each of its charts then gets its caption like a registered one."""

    def __init__(self, sweep):
        self.sweep = sweep
        self.drawn = []  # (Chart, series)

    def __call__(self, out_dir, filename, title, xlabel, ylabel, series):
        series = {name: [p if isinstance(p, Point) else Point(*p) for p in points] for name, points in series.items()}
        lab_charts.line_chart(out_dir, filename, title, xlabel, ylabel, series)
        slug = filename.removeprefix(f"{self.sweep}_").removesuffix(".png")
        says = f"{title}, per model, against {xlabel} ({ylabel})."
        self.drawn.append((Chart(self.sweep, slug, title, xlabel, ylabel, ylabel, says, None), series))
        return filename


def drawn_charts(name, data, results, out_dir):
    """[Drawn] for one sweep, its headline chart first."""
    if name in lab_questions.SWEEPS:
        recorder = Recorder(name)
        lab_questions.charts(name, data, results, out_dir, recorder)
        drawn = [Drawn(f"{chart.sweep}_{chart.slug}.png", chart, lab_findings.line_caption(chart, series, data))
                 for chart, series in recorder.drawn]
        wanted = QUESTION_HEADLINES.get(name)
        drawn.sort(key=lambda made: made.chart.slug != wanted)
        return drawn
    drawn = [made for made in (draw(chart, data, results, out_dir) for chart in CHARTS
                               if chart.sweep == name and data.get("points")) if made]
    if name == "deep_chain_depth" and data.get("points"):
        made = parts_chart(name, data, out_dir)
        if made:
            drawn.append(made)
    drawn.sort(key=lambda made: not made.chart.headline)
    return drawn


def fitted_bytes_per_task(data):
    """[(model, bytes per task with interval, points)]: the least-squares slope of USS over task count."""
    fits = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                fits.setdefault(model, []).append((entry["stack"]["tasks"], entry["memory"]["uss_delta_bytes"]))
    rows = []
    for model, points in fits.items():
        fit = figures.slope_figure(points)
        if fit is not None:
            rows.append((model, f"{table.human_bytes(fit.value)} {figures.interval_text(fit, 'B')}", len(points)))
    return rows
