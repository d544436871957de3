"""The report's words: the headline findings and the one-sentence caption under each chart.

Contract: everything here is computed from the loaded results ({sweep name:
data}, "measures" for fiberlab/lab/measures.py); nothing is written by hand.
Every figure is read through fiberlab/lab/figures.py (the choosing table's
rows where a finding quotes the same quantity), so a finding, a caption and a
table never print two values for one quantity. A finding compares like with
like: two models that differ in one axis of the 2x2 (gevent against asyncio,
both production runtimes; greenlet against coroutines, both our own
schedulers), or one model against itself along a sweep; it quotes the ratio's
interval and n and links to the chart that shows it. A finding whose data is
absent is left out, never faked.
A model's mechanism: the result entry's own "mechanism" wins; then what the
model's file declares (Model.mechanism).
"""

import html
from dataclasses import dataclass

from fiberlab import table
from fiberlab.lab import choosing, figures
from fiberlab.lab.charts import model_of
from fiberlab.models import all_models

ERROR_CHARS = 90  # a failure's message is cut to this
TIE = 1.05  # values within 5% of each other are not ranked
UNSUPPORTED = "unsupported"  # a model that cannot do this by design: said so, not counted as failed


@dataclass(frozen=True)
class Finding:
    text: str  # one sentence, with its figure
    anchor: str  # the id of the section that shows it


def esc(value):
    return html.escape(str(value))


def mechanism(model_id, scenario, entry=None):
    """How this model hands control over in this scenario, in words, or None if nothing records it:
    the result entry's own `mechanism`, else what the model's file declares (Model.mechanism)."""
    if entry and isinstance(entry.get("mechanism"), str) and entry["mechanism"]:
        return entry["mechanism"]
    model = all_models().get(model_of(model_id))
    if model is None or not scenario:
        return None
    return model.mechanism(scenario)


def kind(model_id):
    """The model's place in the 2x2 (stack, runtime), or None for a model we do not know."""
    model = all_models().get(model_of(model_id))
    return f"{model.stack}, {model.scheduler}" if model else None


def ok_points(data, model):
    """[(axis value, entry)] where `model` ran ok, in axis order."""
    points = []
    for point in data.get("points", []):
        entry = point["result"]["models"].get(model)
        if entry and entry.get("status") == "ok":
            points.append((point["value"], entry))
    return sorted(points, key=lambda pair: pair[0])


def failures(data):
    """[(model, axis value, status, error)] of every run that failed (unsupported is not a failure)."""
    found = []
    for point in data.get("points", []):
        for model, entry in point["result"]["models"].items():
            if entry.get("status") not in ("ok", UNSUPPORTED):
                error = (entry.get("error") or "").strip().splitlines()
                error = error[0] if error else ""
                found.append((model, point["value"], entry.get("status"), error[:ERROR_CHARS]))
    return found


def _sentence(order, values, unit, lower_is_better, where=""):
    """One sentence naming the best of `order` (best first) and the worst, with the ratio between them."""
    best, worst = order[0], order[-1]
    low, high = sorted((values[best], values[worst]))
    if len(order) > 1 and low > 0 and high / low < TIE:
        return f"{where}all {len(order)} models are within 5% of each other ({figures.number(values[best])} {unit})."
    word = "lowest" if lower_is_better else "highest"
    text = f"{where}{best} is {word} ({figures.number(values[best])} {unit})"
    if worst != best and low > 0:
        text += f", {high / low:,.1f}x {'below' if lower_is_better else 'above'} {worst} ({figures.number(values[worst])} {unit})"
    return text + "."


def python_models(values):
    """The values of the Python models only: a caption ranks like with like, and the C++ rows and bare
    floors have a section of their own (the native floor). All of them when no Python model is there."""
    kept = {label: value for label, value in values.items()
            if not model_of(label).startswith("cpp_") and not label.startswith("bare ")}
    return kept or values


def line_caption(chart, series, data):
    """The caption under a line chart, one sentence: which Python model is best and worst at the largest x."""
    last = {}
    for label, points in series.items():
        points = [p for p in points if p.y is not None]
        if points:
            last[label] = max(points, key=lambda p: p.x)
    if not last:
        return esc(f"No model ran ok in sweep {data.get('sweep', '')}.")
    top_x = max(p.x for p in last.values())
    at_top = python_models({label.removesuffix(", split"): p.y for label, p in last.items()
                            if p.x == top_x and p.y and p.y > 0})
    if not at_top:
        return esc(chart.says)
    order = sorted(at_top, key=at_top.get, reverse=not chart.lower_is_better)
    axis = (chart.xlabel or "").split(" (")[0] or data.get("axis", "x")
    return esc(_sentence(order, at_top, chart.unit, chart.lower_is_better, f"At {axis} {figures.number(top_x)}, "))


def bar_caption(chart, bars):
    """The caption under a bar chart, one sentence: who is best and worst."""
    positive = python_models({label: value for label, value in bars.items() if value and value > 0})
    if not positive:
        return esc(chart.says)
    order = sorted(positive, key=positive.get, reverse=not chart.lower_is_better)
    return esc(_sentence(order, positive, chart.unit, chart.lower_is_better))


def unsupported(data):
    """{model: its first error line} for the models that cannot run this sweep's points by design."""
    found = {}
    for point in data.get("points", []):
        for model, entry in point["result"]["models"].items():
            if entry.get("status") == UNSUPPORTED and model not in found:
                found[model] = ((entry.get("error") or "").strip().splitlines() or [""])[0][:ERROR_CHARS]
    return found


# ---------------------------------------------------------------- findings


def _pair(row, left, right, what, result=None):
    """'what: left ×r [lo–hi] right's (a B and b B, n=..)', or None when either side has no figure.
    With the point's whole result (timings), the ratio comes from paired values where there are any."""
    if row is None or left not in row.cells or right not in row.cells:
        return None
    a, b = row.cells[left].figure, row.cells[right].figure
    if a is None or b is None or not b.value:
        return None
    ratio = choosing.paired(result, left, right) or figures.ratio(a, b)
    verdict = " (within noise)" if choosing.within_noise(ratio) else ""
    return Finding(f"{what} ({row.where}): {left} / {right} = {choosing.times(ratio)[1:]}{verdict}; "
                   f"{figures.with_interval(a, row.unit)} against {figures.with_interval(b, row.unit)}.", row.anchor)


def _row(results, anchor_prefix):
    return next((row for row in choosing.rows(results) if row.anchor.startswith(anchor_prefix)), None)


def finding_hand_over_runtime(results):
    return _pair(_row(results, "chart-pingpong_switch"), "gevent", "asyncio",
                 "A round trip on gevent's hub against asyncio's loop", _switch_result(results))


def finding_hand_over_stack(results):
    return _pair(_row(results, "chart-pingpong_switch"), "greenlet", "coroutines",
                 "A round trip on our own scheduler, stackful greenlet against stackless coroutines",
                 _switch_result(results))


def _switch_result(results):
    """The result the hand-over row was read from (pingpong_switch's smallest point)."""
    return choosing.point_result(results, "pingpong_switch", min)[1]


def finding_idle_memory(results):
    row = _row(results, "chart-idle") or _row(results, "chart-pingpong_tasks")
    return _pair(row, "gevent", "asyncio", "An idle task's memory, gevent against asyncio")


def finding_deep_memory(results):
    return _pair(_row(results, "chart-deep_chain_depth"), "greenlet", "coroutines",
                 "A suspended deep task's memory, greenlet against coroutines (our scheduler, USS slope)")


def finding_throughput(results):
    return _pair(_row(results, "chart-connections"), "uvloop", "asyncio",
                 "Echo throughput, uvloop against asyncio (the same files)") or _pair(
        _row(results, "chart-connections"), "gevent", "asyncio", "Echo throughput, gevent against asyncio")


def finding_lateness(results):
    return _pair(_row(results, "chart-fairness_slice"), "gevent", "asyncio",
                 "Worst wake-up beside a task that does not yield, gevent against asyncio")


def finding_resume_cost_with_depth(results):
    """One model against itself: a resume at the deepest depth over one at the shallowest, per model."""
    data = results.get("deep_chain_depth")
    if not data:
        return None
    growth = {}
    for model in ("asyncio", "gevent", "greenlet", "coroutines"):
        points = ok_points(data, model)
        if len(points) >= 2:
            ratio = figures.ratio(figures.timing(points[-1][1]), figures.timing(points[0][1]))
            if ratio is not None:
                growth[model] = (points[0][0], points[-1][0], ratio)
    if len(growth) < 2:
        return None
    shallow, deep = next(iter(growth.values()))[:2]
    said = "; ".join(f"{model} {choosing.times(ratio)}" for model, (_s, _d, ratio) in growth.items())
    return Finding(f"One resume at depth {deep:,} against one at depth {shallow:,}, each model against itself: "
                   f"{said}.", "chart-deep_chain_depth-ns_per_resume")


def finding_generator_memory(results):
    points = ((results.get("measures") or {}).get("generator_memory") or {}).get("points") or []
    if len(points) < 2:
        return None
    small, large = points[0], points[-1]
    return Finding(f"A generator's tracemalloc peak stays {table.human_bytes(small['generator_peak_bytes'])} → "
                   f"{table.human_bytes(large['generator_peak_bytes'])} from {small['items']:,} to "
                   f"{large['items']:,} items, while a list grows to {table.human_bytes(large['list_peak_bytes'])}.",
                   "measures")


def finding_failures(results):
    failed = []
    for name, data in results.items():
        if isinstance(data, dict) and "points" in data and name != "deep_chain_limit":  # there failing is the point
            failed += [(name, model, value) for model, value, _status, _error in failures(data)]
    if not failed:
        return None
    anchor = f"sweep-{failed[0][0]}"
    listed = ", ".join(f"{model} at {value:,} ({name})" for name, model, value in failed[:4])
    more = f" and {len(failed) - 4} more" if len(failed) > 4 else ""
    return Finding(f"{len(failed)} model run(s) failed: {listed}{more}.", anchor)


FINDINGS = (
    finding_hand_over_runtime,
    finding_hand_over_stack,
    finding_idle_memory,
    finding_deep_memory,
    finding_resume_cost_with_depth,
    finding_throughput,
    finding_lateness,
    finding_generator_memory,
    finding_failures,
)
MAX_FINDINGS = 8


def findings(results, extra=()):
    """The findings whose data is present, in order, at most MAX_FINDINGS (extra: more finding functions)."""
    found = []
    for decide in tuple(FINDINGS) + tuple(extra):
        finding = decide(results)
        if finding is not None:
            found.append(finding)
    return found[:MAX_FINDINGS]


def findings_section(results, anchor_exists=lambda anchor: True, extra=()):
    """The findings as a list, each linked to its chart (when that chart is on the page)."""
    items = "".join(f"<li>{esc(f.text)}" + (f" <a href='#{esc(f.anchor)}'>chart</a>" if anchor_exists(f.anchor) else "")
                    + "</li>" for f in findings(results, extra))
    if not items:
        items = "<li>No results to draw findings from yet: run <code>make sweep</code>.</li>"
    return ("<section id='findings'><h2>Findings</h2><p class='legend'>Computed from results/ on this machine, "
            "each between two models that differ in one thing (or one model against itself); a ratio's interval "
            "is in brackets, n is how many values a figure rests on.</p>"
            f"<ol class='findings'>{items}</ol></section>")
