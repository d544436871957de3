"""The report's words: the headline findings and the paragraph under each chart.

Contract: everything here is computed from the loaded results ({sweep name:
data}, "measures" for fiberlab/lab/measures.py); nothing is written by hand. A
finding whose data is absent returns None and is left out, never faked. A
paragraph says what its chart shows, which model is cheapest (or highest) at
the largest size, where a curve bends, which model failed where, and the
mechanism of each row.
Other lanes' fields are read defensively: an entry's own "mechanism" wins;
then `Model.mechanism` (like-for-like), which may be absent, a string, a
{scenario: text} dict, or a function of the scenario; then a MECHANISM
string at the top of the model's file in that scenario (new-scenarios).
A model with none is shown by its kind, labelled as a kind.
"""

import html
import math
from dataclasses import dataclass

from fiberlab import table, stats
from fiberlab.lab import claims
from fiberlab.lab.charts import model_of
from fiberlab.models import all_models

FLAT_SLOPE = 0.2  # a log-log slope below this is "flat"
BEND = 0.5  # a change of log-log slope by more than this between segments is a bend
ERROR_CHARS = 90  # a failure's message is cut to this in a paragraph
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


def number(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def times(big, small):
    return f"{big / small:,.1f}x" if small else "-"


# ---------------------------------------------------------------- chart paragraphs


def shape(points):
    """(words, bend x or None) for a curve [(x, y)] with positive values, from log-log slopes."""
    points = [(x, y) for x, y in points if x and y and x > 0 and y > 0]
    if len(points) < 2 or points[-1][0] == points[0][0]:
        return None, None
    slopes = [math.log(y2 / y1) / math.log(x2 / x1) for (x1, y1), (x2, y2) in zip(points, points[1:]) if x2 != x1]
    overall = math.log(points[-1][1] / points[0][1]) / math.log(points[-1][0] / points[0][0])
    bend = None
    if len(slopes) >= 2:
        changes = [abs(b - a) for a, b in zip(slopes, slopes[1:])]
        biggest = max(range(len(changes)), key=changes.__getitem__)
        if changes[biggest] > BEND:
            bend = points[biggest + 1][0]
            before, after = slopes[biggest], slopes[biggest + 1]
            before, after = round(before, 1) + 0.0, round(after, 1) + 0.0  # + 0.0: never "-0.0"
            return f"bends at {number(bend)} (log-log slope {before:.1f} before, {after:.1f} after)", bend
    if abs(overall) < FLAT_SLOPE:
        return "flat", None
    ratio = points[-1][1] / points[0][1]
    return f"{'grows' if ratio > 1 else 'falls'} {times(max(ratio, 1 / ratio), 1)} over the range", None


def axis_name(chart, data):
    """What the x axis counts, in words: the chart's x label without its unit, else the sweep's axis."""
    return (chart.xlabel or "").split(" (")[0] or data.get("axis", "x")


def compare(order, values, chart, where=""):
    """One sentence naming the best of `order` (sorted best first) and how far the worst is from it."""
    best, worst = order[0], order[-1]
    word = "lowest" if chart.lower_is_better else "highest"
    unit = esc(chart.unit)
    low, high = sorted((values[best], values[worst]))
    if len(order) > 1 and low > 0 and high / low < TIE:
        spread = "the same" if high / low < 1.005 else f"within {(high / low - 1) * 100:.0f}% of each other"
        return f"{where}all {len(order)} are {spread} ({number(values[best])} {unit})."
    sentence = f"{where}<b>{esc(best)}</b> is {word} ({number(values[best])} {unit})"
    if worst != best and low > 0:
        relation = "below" if chart.lower_is_better else "above"
        sentence += f", {times(high, low)} {relation} {esc(worst)} ({number(values[worst])} {unit})"
    return sentence + "."


def line_paragraph(chart, series, data, scenario):
    """The paragraph under a line chart: series is {label: [Point]}."""
    sentences = [chart.says]
    last = {}
    for label, points in series.items():
        points = [p for p in points if p.y is not None]
        if points:
            last[label] = max(points, key=lambda p: p.x)
    if last:
        top_x = max(p.x for p in last.values())
        at_top = {label: p.y for label, p in last.items() if p.x == top_x}
        order = sorted(at_top, key=at_top.get, reverse=not chart.lower_is_better)
        sentences.append(compare(order, at_top, chart, f"At {esc(axis_name(chart, data))} = {number(top_x)}, "))
    shapes = {}
    for label, points in series.items():
        words, _bend = shape([(p.x, p.y) for p in points if p.y is not None])
        if words:
            shapes.setdefault(words, []).append(label)
    if shapes:
        sentences.append("Along the axis (a log-log slope of 0 is flat, 1 grows in proportion): " + "; ".join(
            f"{words}: {esc(', '.join(labels))}" for words, labels in shapes.items()) + ".")
    return _paragraph(sentences, data, scenario, list(series))


def bar_paragraph(chart, bars, data, scenario):
    """The paragraph under a bar chart: bars is {label: value}."""
    sentences = [chart.says]
    positive = {label: value for label, value in bars.items() if value and value > 0}
    if positive:
        order = sorted(positive, key=positive.get, reverse=not chart.lower_is_better)
        sentences.append(compare(order, positive, chart))
    return _paragraph(sentences, data, scenario, list(bars))


def unsupported(data):
    """{model: its first error line} for the models that cannot run this sweep's points by design."""
    found = {}
    for point in data.get("points", []):
        for model, entry in point["result"]["models"].items():
            if entry.get("status") == UNSUPPORTED and model not in found:
                found[model] = ((entry.get("error") or "").strip().splitlines() or [""])[0][:ERROR_CHARS]
    return found


def _paragraph(sentences, data, scenario, labels):
    cannot = unsupported(data)
    if cannot:
        sentences.append("Cannot do this by design (unsupported, not a failure): " + "; ".join(
            f"<b>{esc(model)}</b> ({esc(error)})" for model, error in cannot.items()) + ".")
    failed = failures(data)
    if failed:
        sentences.append("Failed: " + "; ".join(
            f"<b>{esc(model)}</b> at {esc(data.get('axis', 'x'))} = {number(value)} ({esc(status)}: {esc(error)})"
            for model, value, status, error in failed) + ".")
    named, kinds = {}, {}
    for label in labels:
        model = model_of(label)
        words = mechanism(label, scenario, _first_entry(data, model))
        if words:
            named.setdefault(model, words)
        elif kind(model):
            kinds.setdefault(model, kind(model))
    text = " ".join(sentences)
    rows = []
    if named:
        rows.append("Mechanism: " + "; ".join(f"<b>{esc(m)}</b>: {esc(w)}" for m, w in named.items()) + ".")
    if kinds:  # no mechanism recorded for these: say their kind, labelled as such
        rows.append("Kind (stack, scheduler): " + "; ".join(f"<b>{esc(m)}</b>: {esc(w)}" for m, w in kinds.items()) + ".")
    if rows:
        text += "<br><small>" + " ".join(rows) + "</small>"
    return f"<p class='says'>{text}</p>"


def _first_entry(data, model):
    for point in data.get("points", []):
        entry = point["result"]["models"].get(model)
        if entry:
            return entry
    return None


# ---------------------------------------------------------------- findings


def _held(entry):
    """Bytes held per suspended task: the USS slope, the one quantity measured the same way for every model."""
    return (entry.get("memory") or {}).get("bytes_per_task")


def finding_stack_at_depth(results):
    data = results.get("deep_chain_depth")
    if not data:
        return None
    asyncio, greenlet = ok_points(data, "asyncio"), ok_points(data, "greenlet")
    if not asyncio or not greenlet:
        return None
    depth = max(set(v for v, _ in asyncio) & set(v for v, _ in greenlet), default=None)
    if depth is None:
        return None
    a_bytes, g_bytes = _held(dict(asyncio)[depth]), _held(dict(greenlet)[depth])
    if not a_bytes or not g_bytes:
        return None
    return Finding(f"A suspended asyncio task at depth {depth:,} holds {table.human_bytes(a_bytes)}, "
                   f"a greenlet fiber {table.human_bytes(g_bytes)} (bytes per task: the USS slope, "
                   f"measured the same way for both).", "sweep-deep_chain_depth")


def ratio_words(top, bottom, paired=False):
    """top's ns per op over bottom's, with its interval: from paired values when the two were timed
    together (`paired`, and each kept two values or more), else from each run's own interval."""
    ratio = claims.paired(top, bottom) if paired else None
    if ratio and math.isfinite(ratio[2]):
        return f"{ratio[1]:,.1f}x [{ratio[0]:,.1f}-{ratio[2]:,.1f}, paired values]"
    (high, band), (low, _band) = claims.ns_interval(top), claims.ns_interval(bottom)
    ratio = claims.ratio_interval(high, low)
    return f"{ratio[1]:,.1f}x [{ratio[0]:,.1f}-{ratio[2]:,.1f}, {band}]"


def finding_resume_cost_with_depth(results):
    data = results.get("deep_chain_depth")
    if not data:
        return None
    growth = {}
    for model in data["points"][0]["result"]["models"] if data.get("points") else []:
        points = ok_points(data, model)
        if len(points) >= 2 and points[0][1]["ns_per_op"]:
            growth[model] = (points[0][0], points[-1][0], points[-1][1]["ns_per_op"] / points[0][1]["ns_per_op"],
                             ratio_words(points[-1][1], points[0][1]))
    if len(growth) < 2:
        return None
    order = sorted(growth, key=lambda m: growth[m][2])
    flat, steep = order[0], order[-1]
    low, high = growth[steep][0], growth[steep][1]
    return Finding(f"One resume at depth {high:,} costs {growth[steep][3]} what it costs at depth {low:,} "
                   f"on {steep}, {growth[flat][3]} on {flat}.", "sweep-deep_chain_depth")


def finding_switch_cost(results):
    data = results.get("pingpong_switch")
    if not data or not data.get("points"):
        return None
    models = data["points"][0]["result"]["models"]
    # One unit throughout: a round trip (two hand-overs), pingpong's op and the bare measure's alike.
    entries = {m: e for m, e in models.items() if e.get("status") == "ok" and e.get("ns_per_op")}
    costs = {m: e["ns_per_op"] for m, e in entries.items()}
    bare = (results.get("measures") or {}).get("bare_coroutine", {}).get("ns_per_round_trip")
    if len(costs) < 2:
        return None
    order = sorted(costs, key=costs.get)
    text = (f"One round trip (two hand-overs) costs {costs[order[0]]:,.0f} ns on {order[0]} and {costs[order[-1]]:,.0f} ns "
            f"on {order[-1]} ({ratio_words(entries[order[-1]], entries[order[0]], paired=True)})")
    if bare:
        text += f"; a bare coro.send() round trip takes {bare:,.0f} ns"
    return Finding(text + ".", "sweep-pingpong_switch")


def finding_bytes_per_idle_task(results):
    data = results.get("pingpong_tasks")
    if not data:
        return None
    fits = {}
    for model in {m for p in data.get("points", []) for m in p["result"]["models"]}:
        points = [(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in ok_points(data, model)
                  if e.get("stack") and e.get("memory")]
        fit = stats.slope(points)
        if fit is not None and fit > 0:
            fits[model] = fit
    if len(fits) < 2:
        return None
    order = sorted(fits, key=fits.get)
    return Finding(f"An idle suspended task costs {table.human_bytes(fits[order[0]])} on {order[0]} and "
                   f"{table.human_bytes(fits[order[-1]])} on {order[-1]} (USS slope over task count).",
                   "sweep-pingpong_tasks")


def finding_connections_throughput(results):
    data = results.get("connections")
    if not data or not data.get("points"):
        return None
    top = max(data["points"], key=lambda p: p["value"])
    rates = {m: e["ops"] / e["wall_s"]["median"] for m, e in top["result"]["models"].items()
             if e.get("status") == "ok" and e.get("wall_s") and e["wall_s"].get("median")}
    if len(rates) < 2:
        return None
    order = sorted(rates, key=rates.get, reverse=True)
    return Finding(f"At {top['value']:,} connections {order[0]} moves {rates[order[0]]:,.0f} messages/s, "
                   f"{times(rates[order[0]], rates[order[-1]])} the {rates[order[-1]]:,.0f} of {order[-1]}.",
                   "sweep-connections")


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
        if isinstance(data, dict) and "points" in data:
            failed += [(name, model, value) for model, value, _status, _error in failures(data)]
    if not failed:
        return None
    first = failed[0]
    anchor = f"sweep-{first[0]}"
    listed = ", ".join(f"{model} at {value:,} ({name})" for name, model, value in failed[:4])
    more = f" and {len(failed) - 4} more" if len(failed) > 4 else ""
    return Finding(f"{len(failed)} model run(s) failed: {listed}{more}.", anchor)


FINDINGS = (
    finding_stack_at_depth,
    finding_resume_cost_with_depth,
    finding_switch_cost,
    finding_bytes_per_idle_task,
    finding_connections_throughput,
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


def findings_section(results, extra=()):
    items = "".join(f"<li>{esc(f.text)} <a href='#{esc(f.anchor)}'>see the section</a></li>"
                    for f in findings(results, extra))
    if not items:
        items = "<li>No results to draw findings from yet: run <code>make sweep</code>.</li>"
    return ("<section id='findings'><h2>Findings</h2><p>Computed from results/ on this machine; "
            f"each links to the section that shows it.</p><ol class='findings'>{items}</ol></section>")
