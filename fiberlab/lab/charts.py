"""The report's chart drawing: one colour per model everywhere, units on every axis, intervals.

Contract: line_chart and bar_chart write one PNG into the given folder and
return its file name. A series is {label: [Point, ...]}; a label is a model id,
optionally with a suffix after a space ("greenlet split"), and takes the
model's colour from PALETTE wherever it appears, so a reader learns the colours
once. A point's `low`/`high` (absolute values) are drawn as an error bar when
the result carries an interval (fiberlab/lab/figures.py: never below zero);
without one the point is drawn plain. Every legend names its models and sits
outside the plot, at its right, so it never covers data. An axis whose positive values span more than
LOG_RANGE is drawn logarithmic, because a linear axis would flatten all but
the largest model into the floor.
"""

import re
from dataclasses import dataclass
from typing import Optional

import matplotlib

matplotlib.use("Agg")  # files only, no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

LOG_RANGE = 50  # an axis whose values span more than this factor is drawn logarithmic
FIGSIZE = (7.2, 4.0)  # inches at DPI: 720 x 400 px, beside a table in 1400 px
DPI = 100

# One colour per model across every chart of the report (matplotlib's tab10, fixed by name).
PALETTE = {
    "greenlet": "#1f77b4",
    "gevent": "#ff7f0e",
    "asyncio": "#2ca02c",
    "coroutines": "#d62728",
    "uvloop": "#9467bd",
    "threads": "#8c564b",
    "bare greenlets": "#17becf",
    "bare coro.send()": "#7f7f7f",
    "cpp_coroutines": "#e377c2",
    "cpp_fibers": "#bcbd22",
    "cpp_ucontext": "#393b79",
}
SPARE_COLOURS = ("#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    low: Optional[float] = None  # interval around y, same units, when the data carries one
    high: Optional[float] = None


def model_of(label):
    """The model id a series label names: "greenlet (direct switch), split" -> "greenlet"."""
    return label if label in PALETTE else re.split(r"[ ,(]", label)[0]


def colour_for(label):
    model = model_of(label)
    if model in PALETTE:
        return PALETTE[model]
    return SPARE_COLOURS[sum(map(ord, model)) % len(SPARE_COLOURS)]  # stable across runs, unlike hash()


# A label's suffix after the model id is a variant of the same model: same colour, its own line style.
VARIANT_STYLES = {"": "-", "split": "--", "via=python": "-", "via=c": "--"}
SPARE_STYLES = (":", "-.")


def line_style(label):
    suffix = label[len(model_of(label)):].strip()
    if suffix in VARIANT_STYLES:
        return VARIANT_STYLES[suffix]
    return SPARE_STYLES[sum(map(ord, suffix)) % len(SPARE_STYLES)]


def log_wanted(values):
    positive = [value for value in values if value and value > 0]
    return len(positive) >= 2 and max(positive) / min(positive) > LOG_RANGE


def _plain(value, _position):
    """A linear axis's tick in the units of its label: 1,200,000 rather than 1.2 under a 1e6 offset."""
    return f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:g}"


def _legend(axes, entries):
    """The legend at the plot's right, outside it: [(handle, label)]."""
    if entries:
        axes.legend(*zip(*entries), loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)


def _finish(figure, axes, title, xlabel, ylabel, out_dir, filename, numeric_x=True):
    if axes.get_yscale() == "linear":
        axes.yaxis.set_major_formatter(FuncFormatter(_plain))
        if axes.get_ylim()[0] > 0:
            axes.set_ylim(bottom=0)  # a linear axis cut above zero makes a 2% step look like a cliff
    if numeric_x and axes.get_xscale() == "linear":
        axes.xaxis.set_major_formatter(FuncFormatter(_plain))
    axes.set_title(title)
    if xlabel:
        axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    figure.savefig(out_dir / filename, format="png")
    plt.close(figure)
    return filename


def line_chart(out_dir, filename, title, xlabel, ylabel, series):
    """series: {label: [Point or (x, y), ...]}; a label with " split" is drawn dashed."""
    figure, axes = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    xs, ys = [], []
    for label, points in series.items():
        points = [p if isinstance(p, Point) else Point(*p) for p in points if p is not None]
        points = sorted((p for p in points if p.y is not None), key=lambda p: p.x)
        if not points:
            continue
        style = line_style(label)
        axes.plot([p.x for p in points], [p.y for p in points], style, marker="o", label=label,
                  color=colour_for(label))
        bars = [p for p in points if p.low is not None and p.high is not None]
        if bars:
            axes.errorbar([p.x for p in bars], [p.y for p in bars],
                          yerr=[[p.y - p.low for p in bars], [p.high - p.y for p in bars]],
                          fmt="none", ecolor=colour_for(label), capsize=3)
        xs += [p.x for p in points]
        ys += [p.y for p in points] + [p.low for p in bars]
    if log_wanted(xs):
        axes.set_xscale("log")
    if log_wanted(ys):
        axes.set_yscale("log")
    axes.grid(True, which="both", alpha=0.3)
    handles, labels = axes.get_legend_handles_labels()
    # One legend entry per model (its colour); split series share it, and one entry says what dashed means.
    keep = [(h, label) for h, label in zip(handles, labels) if " split" not in label]
    if len(keep) < len(handles):
        keep.append((Line2D([], [], color="grey", linestyle="--"), "split (load in its own process)"))
    _legend(axes, keep)
    return _finish(figure, axes, title, xlabel, ylabel, out_dir, filename)


def bar_chart(out_dir, filename, title, ylabel, bars, errors=None):
    """bars: {label: value}; errors: {label: (low, high)} for the labels that have an interval."""
    figure, axes = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    labels = list(bars)
    values = [bars[label] for label in labels]
    drawn = axes.bar(labels, values, color=[colour_for(label) for label in labels])
    _legend(axes, list(zip(drawn, labels)))
    errors = {label: span for label, span in (errors or {}).items() if label in bars and None not in span}
    if errors:
        chosen = [label for label in labels if label in errors]
        axes.errorbar(chosen, [bars[label] for label in chosen],
                      yerr=[[bars[label] - errors[label][0] for label in chosen],
                            [errors[label][1] - bars[label] for label in chosen]],
                      fmt="none", ecolor="black", capsize=4)
    axes.tick_params(axis="x", labelrotation=20)
    if log_wanted(values):
        axes.set_yscale("log")
    axes.grid(True, axis="y", alpha=0.3)
    return _finish(figure, axes, title, "model", ylabel, out_dir, filename, numeric_x=False)
