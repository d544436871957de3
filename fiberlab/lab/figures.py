"""One figure per quantity: every number the report prints is read here, once, with its interval and n.

A Figure is a stored value (never recomputed another way elsewhere), the
interval around it and how many values it rests on. The choosing table, the
findings, the captions and the scenario tables all call these functions, so
the same quantity reads the same everywhere (messages per second is always
1e9 / ns_per_op, never ops / median wall time beside it).

Intervals are never negative: a timing's interval is its 95% CI scaled to the
figure when the CI's low end is above zero; with too few values for that (a
`--tiny` run, one or two values) it is the min-max of the values, labelled
so. A ratio's interval takes each side's interval at its extremes (low / high,
high / low), which is wider than a paired interval and cannot go below zero.
"""

from dataclasses import dataclass
from typing import Optional

from fiberlab.stats import slope, t_975

CI = "95% CI"
RANGE = "min-max"


@dataclass(frozen=True)
class Figure:
    value: float
    low: Optional[float] = None
    high: Optional[float] = None
    n: Optional[int] = None  # values it rests on (timed values, points of a fit, samples of a distribution)
    kind: str = ""  # CI, RANGE, or "" for no interval

    def inverted(self, numerator=1.0):
        """numerator / figure: a time per op as a rate; the bounds swap."""
        low = numerator / self.high if self.high else None
        high = numerator / self.low if self.low else None
        return Figure(numerator / self.value, low, high, self.n, self.kind if low is not None else "")


def timing(entry):
    """ns per op of a model entry with its interval, or None if the entry has no time. The
    interval is the run's own ns_per_op_ci95 (on the clock ns_per_op is judged on); results
    without one fall back to wall_s's, scaled onto ns_per_op."""
    if not entry or entry.get("status") != "ok" or not entry.get("ns_per_op"):
        return None
    wall = entry.get("wall_s") or {}
    values = wall.get("values") or wall.get("runs") or []
    centre = wall.get("mean") or wall.get("median")
    ns = entry["ns_per_op"]
    own = entry.get("ns_per_op_ci95")
    if isinstance(own, (list, tuple)) and len(own) == 2 and own[0] > 0:
        return Figure(ns, own[0], own[1], len(values) or None, CI)
    ci = wall.get("ci95")
    if centre and isinstance(ci, (list, tuple)) and len(ci) == 2 and ci[0] > 0:
        return Figure(ns, ns * ci[0] / centre, ns * ci[1] / centre, len(values) or None, CI)
    low, high = wall.get("min"), wall.get("max")
    if centre and low and high and len(values) > 1:
        return Figure(ns, ns * low / centre, ns * high / centre, len(values), RANGE)
    return Figure(ns, n=len(values) or None)


def rate(entry):
    """Operations per second: 1e9 / ns per op, the one way the report turns a time into a rate."""
    figure = timing(entry)
    return figure.inverted(1e9) if figure else None


def slope_figure(points):
    """Least-squares slope of [(x, y)] with its 95% CI from the fit's standard error (3+ points),
    low end held at zero: used for bytes per task, which cannot be negative. None if x never varies."""
    fit = slope(points)
    if fit is None:
        return None
    n = len(points)
    if n < 3:
        return Figure(fit, n=n)
    xs, ys = zip(*points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    residual = sum((y - (mean_y + fit * (x - mean_x))) ** 2 for x, y in points) / (n - 2)
    half = t_975(n - 2) * (residual / spread) ** 0.5
    return Figure(fit, max(0.0, fit - half), fit + half, n, CI)


def bytes_per_task(entry):
    """The USS slope across two task counts the pipeline measured (one quantity for every model)."""
    memory = (entry or {}).get("memory") or {}
    value = memory.get("bytes_per_task")
    if entry is None or entry.get("status") != "ok" or value is None:
        return None
    points = memory.get("bytes_per_task_points") or []
    return Figure(value, n=len(points) or None)


def record(entry, name, part=None, factor=1.0):
    """A scenario record (part: a distribution's p50/p99/max), scaled; n is the distribution's count."""
    value = ((entry or {}).get("records") or {}).get(name)
    count = None
    if part is not None:
        count = value.get("count") if isinstance(value, dict) else None
        value = value.get(part) if isinstance(value, dict) else None
    if entry is None or entry.get("status") != "ok" or not isinstance(value, (int, float)):
        return None
    return Figure(value * factor, n=count)


def ratio(figure, baseline):
    """figure / baseline with the extremes of both intervals (or none if either has none)."""
    if figure is None or baseline is None or not baseline.value:
        return None
    value = figure.value / baseline.value
    if None in (figure.low, figure.high, baseline.low, baseline.high) or baseline.low <= 0:
        return Figure(value, n=figure.n)
    return Figure(value, figure.low / baseline.high, figure.high / baseline.low, figure.n, figure.kind)


def number(value):
    """A figure as the page prints it: grouped thousands, three significant digits below 100."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def interval_text(figure, unit=""):
    """'[low-high unit, 95% CI, n=5]', or '[n=5]' when there is no interval; '' with neither."""
    unit = f" {unit}" if unit else ""
    parts = []
    if figure.low is not None and figure.high is not None:
        parts.append(f"{number(figure.low)}–{number(figure.high)}{unit}, {figure.kind}")
    if figure.n:
        parts.append(f"n={figure.n}")
    return f"[{', '.join(parts)}]" if parts else ""


def compact(figure):
    """'9,887 [9,500–10,200] n=15' for a table cell whose header names the unit; a min-max range says so."""
    text = number(figure.value)
    if figure.low is not None and figure.high is not None:
        text += f" [{number(figure.low)}–{number(figure.high)}{' min-max' if figure.kind == RANGE else ''}]"
    return text + (f" n={figure.n}" if figure.n else "")


def with_interval(figure, unit=""):
    """'9,887 ns [9,500–10,200 ns, 95% CI, n=15]': the figure as findings and captions quote it."""
    text = f"{number(figure.value)}{' ' + unit if unit else ''}"
    extra = interval_text(figure, unit)
    return f"{text} {extra}" if extra else text
