"""What the report says, in what order: the answer first, then one screen per scenario.

render(results, results_dir, out_dir) returns the page's HTML (charts are
written into out_dir as it goes). The order is the reader's:
  a banner when the data is from `--tiny` runs; the environment in one line;
  Choosing a model (fiberlab/lab/choosing.py); the findings; the claims
  (fiberlab/lab/claims_html.py); one section per scenario that ran, each with
  its headline chart beside the table of its largest point, everything else
  folded (other charts, other points, other sweeps, the source); the web
  service (fiberlab/lab/web_service.py: http in the lab and under wrk; the
  commands that make it when it has no data); the switch
  timelines, the measures, the native floor and the Python versions, each only
  when its data exists.
Sections are registered in SECTIONS; the scenario sections are drawn first so
the answer at the top links only to charts that are on the page.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from fiberlab import table as terminal_table
from fiberlab.lab import by_python, choosing, figures, floor
from fiberlab.lab import chart_registry as registry
from fiberlab.lab import claims_html as lab_claims_html
from fiberlab.lab import findings as lab_findings
from fiberlab.lab import questions as lab_questions
from fiberlab.lab import source as lab_source
from fiberlab.lab import timeline as lab_timeline
from fiberlab.lab import web_service
from fiberlab.lab.claims import DECIDERS, decide_all
from fiberlab.lab.results_folder import tiny
from fiberlab.lab.template import esc, fold, figure, table as html_table

ENVIRONMENT_FIELDS = ("python", "implementation", "greenlet", "gevent", "gevent_loop", "cpu", "cores")
# The sweep a scenario leads with (its headline chart); a scenario not named leads with its first sweep.
LEADING_SWEEP = {"pingpong": "pingpong_switch", "deep_chain": "deep_chain_depth", "spawn": "spawn_million"}
# The scenario whose pair view (gevent against asyncio) is shown unfolded: its files are the shortest.
OPEN_PAIR_SCENARIO = "pingpong"
TINY_BANNER = ("Built from --tiny data: tiny sizes and one timed value per model check that this page can be "
               "built; the figures say nothing about this machine. Run make sweep for figures you can quote.")


@dataclass
class Context:
    """What a section function reads: the loaded results, where the page goes, what is on it."""

    results: dict
    results_dir: Path
    out_dir: Path
    by_scenario: dict = field(default_factory=dict)  # {scenario: [(sweep name, data)]}
    anchors: set = field(default_factory=set)  # ids already on the page

    def has(self, anchor):
        return anchor in self.anchors


def environment_line(results):
    for data in results.values():
        for point in data.get("points", []) if isinstance(data, dict) else []:
            env = point["result"].get("environment") or {}
            shown = ", ".join(f"{name} {env[name]}" for name in ENVIRONMENT_FIELDS if env.get(name) is not None)
            return f"<p class='env'>Measured on: {esc(shown)}.</p>"
    return ""


# ---------------------------------------------------------------- one point's table


def _time_cell(entry):
    timing = figures.timing(entry)
    return figures.compact(timing) if timing else "-"


def point_table(data, point, scenario):
    """One compact table of a point: per model its mechanism, ns per op with interval and n, bytes per
    task, peak RSS, the p99 of each distribution it recorded, and its status (with the error if any)."""
    models = point["result"]["models"]
    records = []  # the records that summarize a distribution (they carry a p99)
    for entry in models.values():
        records += [name for name, value in (entry.get("records") or {}).items()
                    if isinstance(value, dict) and "p99" in value and name not in records]
    header = ["model", "mechanism", "ns per op [interval] n", "bytes per task", "peak RSS"] + [f"{name} p99" for name in records]
    rows = []
    for model, entry in models.items():
        ok = entry.get("status") == "ok"
        memory = entry.get("memory") or {}
        row = [model, lab_findings.mechanism(model, scenario, entry) or lab_findings.kind(model) or "-",
               _time_cell(entry) if ok else entry.get("status", "-"),
               terminal_table.human_bytes(memory.get("bytes_per_task")) if ok else "-",
               terminal_table.human_bytes(memory.get("peak_rss_bytes")) if ok else "-"]
        for name in records:
            value = figures.record(entry, name, "p99")
            row.append(terminal_table.human_record(name, value.value) if value else "-")
        rows.append(row)
    caption = f"<p class='params'>{esc(data['axis'])} = {point['value']:,}; {esc(_params(point, data))}</p>"
    notes = [f"{model}: {entry['status']}: {(entry.get('error') or '').strip().splitlines()[0][:160]}"
             for model, entry in models.items() if entry.get("status") not in ("ok", None) and entry.get("error")]
    listed = "<ul class='legend'>" + "".join(f"<li>{esc(note)}</li>" for note in notes) + "</ul>" if notes else ""
    return caption + html_table(header, rows) + listed


def _params(point, data):
    params = point["result"].get("params", {})
    return ", ".join(f"{name}={value}" for name, value in params.items() if name != data["axis"]) or "no other parameters"


# ---------------------------------------------------------------- a scenario


def sweep_part(name, data, ctx, lead):
    """A sweep's charts and tables: the lead sweep shows its headline chart beside its largest point's
    table and folds the rest; any other sweep is one fold-out."""
    drawn = registry.drawn_charts(name, data, ctx.results, ctx.out_dir)
    points = sorted(data["points"], key=lambda point: point["value"])
    largest = points[-1]
    scenario = data.get("scenario", "")
    charts = [figure(made.filename, made.chart.says, made.caption, made.chart.anchor) for made in drawn]
    others = "".join(point_table(data, point, scenario) for point in points[:-1])
    rerun = f"<p class='legend'>Rerun: <code>{esc(data.get('command', 'make sweep'))}</code></p>"
    if name == "pingpong_tasks":
        others += "<p>Bytes per task, least-squares slope of USS over task count:</p>" + html_table(
            ("model", "bytes per task", "points"), registry.fitted_bytes_per_task(data))
    heading = f"{name}: {data.get('purpose', '')}"
    if lead:
        body = (f"<h3 id='sweep-{esc(name)}'>{esc(heading)}</h3><div class='headline'>{charts[0] if charts else ''}"
                f"<div class='points'>{point_table(data, largest, scenario)}{rerun}</div></div>")
        body += fold(f"{len(charts) - 1} more chart(s) of {name}", "<div class='charts'>" + "".join(charts[1:]) + "</div>"
                     if charts[1:] else "")
        body += fold(f"The other {len(points) - 1} point(s) of {name}", others)
        body += lab_questions_words(name, data, ctx)
        return body
    inside = ("<div class='charts'>" + "".join(charts) + "</div>" if charts else "") + point_table(
        data, largest, scenario) + others + lab_questions_words(name, data, ctx) + rerun
    return (f"<details id='sweep-{esc(name)}'><summary>{esc(heading)} ({len(charts)} chart(s), "
            f"{len(points)} point(s))</summary>{inside}</details>")


def lab_questions_words(name, data, ctx):
    """The questions module's paragraph on its sweeps (deep_chain_via_c, cancel_depth, fairness_slice)."""
    words = lab_questions.paragraph(name, data, ctx.results)
    return fold("What this sweep shows, in words", words) if words else ""


def scenario_section(scenario, sweeps, ctx):
    lead_name = LEADING_SWEEP.get(scenario, sweeps[0][0])
    ordered = sorted(sweeps, key=lambda pair: pair[0] != lead_name)
    parts = [f"<section id='scenario-{esc(scenario)}'><h2>{esc(scenario)}</h2>"]
    for index, (name, data) in enumerate(ordered):
        parts.append(sweep_part(name, data, ctx, lead=index == 0))
    parts.append(fold(f"Source of scenarios/{scenario}/: model files side by side",
                      lab_source.source_section(scenario)) if scenario != OPEN_PAIR_SCENARIO
                 else lab_source.source_section(scenario, open_first=True))
    return "".join(parts) + "</section>"


def scenarios_sections(ctx):
    return "".join(scenario_section(scenario, sweeps, ctx) for scenario, sweeps in sorted(ctx.by_scenario.items()))


# ---------------------------------------------------------------- the rest


def measures_section(ctx):
    measures = ctx.results.get("measures")
    if not measures:
        return ""
    bare = measures["bare_coroutine"]
    round_trip = bare.get("ns_per_round_trip", bare.get("ns_per_hand_over"))  # older files: the same round trip
    rows = [("bare coro.send() round trip (send in, yield back)", f"{figures.number(round_trip)} ns per round trip")]
    for point in measures["generator_memory"]["points"]:
        rows.append((f"tracemalloc peak, generator of {point['items']:,} items",
                     f"{point['generator_peak_bytes']:,} B (list: {point['list_peak_bytes']:,} B)"))
    for kind, depth in measures["recursion"]["deepest"].items():
        rows.append((f"deepest {kind} at recursion limit {measures['recursion']['limit']}", f"{depth:,}"))
    return ("<h2 id='measures'>Measurements outside the scenarios</h2>"
            f"<p class='legend'>fiberlab/lab/measures.py; rerun: <code>{esc(measures['command'])}</code></p>"
            + html_table(("measure", "value"), rows))


def choosing_section(ctx):
    return choosing.html_section(choosing.rows(ctx.results), ctx.has)


def findings_section(ctx):
    return lab_findings.findings_section(ctx.results, ctx.has)


def claim_target(verdict, ctx):
    """The section of the first sweep a claim's rerun command names, if it is on the page."""
    named = re.search(r"SWEEPS=([\w,]+)", verdict.command or "")
    for sweep in (named.group(1).split(",") if named else []):
        for anchor in (f"sweep-{sweep}", sweep):
            if ctx.has(anchor):
                return anchor
    return None


def claims_section(ctx):
    """One line per claim (its verdict, linked to the chart that decides it), then fiberlab/lab/claims_html.py's
    full table (figures, controls, rules) folded: the lines fit a screen, the table does not."""
    verdicts = decide_all(ctx.results) + lab_questions.verdicts(ctx.results, first=len(DECIDERS) + 1)
    items = []
    for verdict in verdicts:
        target = claim_target(verdict, ctx)
        link = f" <a href='#{esc(target)}'>chart</a>" if target else ""
        items.append(f"<li><b>{esc(verdict.verdict)}</b>: &ldquo;{esc(verdict.claim)}&rdquo;{link}</li>")
    table = lab_claims_html.section(ctx.results).replace("<h2 id='claims'>Claims</h2>", "", 1)
    return (f"<section id='claims'><h2>Claims</h2><ol class='claims-list'>{''.join(items)}</ol>"
            + fold("Each claim's measured figure, control and rerun command", table) + "</section>")


def timelines_section(ctx):
    return lab_timeline.section(ctx.results.get("timelines"), ctx.out_dir)


# (anchor, title in the contents, function(Context) -> HTML), in page order. The scenarios are drawn
# before the others (see render), so the choosing table and the findings know which charts exist.
SECTIONS = [
    ("choosing", "choosing a model", choosing_section),
    ("findings", "findings", findings_section),
    ("claims", "claims", claims_section),
    ("scenarios", None, scenarios_sections),  # its scenarios are listed in the contents one by one
    (web_service.ANCHOR, "a web service (http)", lambda ctx: web_service.section(ctx.results, ctx.out_dir, ctx.has)),
    ("timelines", "switch timelines", timelines_section),
    ("measures", "measures", measures_section),
    ("floor", "the native floor", lambda ctx: floor.section(ctx.results, ctx.out_dir)),
    ("pythons", "across Python versions", lambda ctx: by_python.section(ctx.results_dir, ctx.out_dir)),
]


def register_section(anchor, title, make, before="pythons"):
    """Add a section (function(Context) -> HTML) before the one with anchor `before`."""
    index = next((i for i, section in enumerate(SECTIONS) if section[0] == before), len(SECTIONS))
    SECTIONS.insert(index, (anchor, title, make))


def drawn_section(anchor, make, ctx):
    """One section's HTML; a section whose results have a shape it cannot read says so in one line
    (on the page and on stderr) and the rest of the page is still written."""
    try:
        return make(ctx)
    except (KeyError, TypeError, ValueError, IndexError, ZeroDivisionError, AttributeError) as exc:
        why = f"{type(exc).__name__}: {exc}"
        print(f"lab_report: section {anchor!r} not drawn: {why}", file=sys.stderr)
        return f"<p class='not-drawn' id='{esc(anchor)}'>Section {esc(anchor)} not drawn: {esc(why)}</p>"


def contents(drawn, ctx):
    items = []
    for anchor, title, _make in SECTIONS:
        if anchor == "scenarios":
            items += [f"<li><a href='#scenario-{esc(s)}'>{esc(s)}</a></li>" for s in sorted(ctx.by_scenario)]
        elif title and drawn.get(anchor):
            items.append(f"<li><a href='#{esc(anchor)}'>{esc(title)}</a></li>")
    return "<nav><ul>" + "".join(items) + "</ul></nav>"


def render(results, results_dir, out_dir):
    """(head HTML, body HTML) of the page; charts written into out_dir."""
    ctx = Context(results, Path(results_dir), Path(out_dir))
    for name, data in results.items():
        if isinstance(data, dict) and "scenario" in data:
            ctx.by_scenario.setdefault(data["scenario"], []).append((name, data))
    anchors = [anchor for anchor, _title, _make in SECTIONS]
    later = anchors[anchors.index("scenarios"):]
    drawn = {}
    for anchor, _title, make in SECTIONS:  # the scenarios and what follows them first: their ids are link targets
        if anchor in later:
            drawn[anchor] = drawn_section(anchor, make, ctx)
            ctx.anchors |= set(re.findall(r"id='([^']+)'", drawn[anchor]))
    for anchor, _title, make in SECTIONS:
        if anchor not in drawn:
            drawn[anchor] = drawn_section(anchor, make, ctx)
    head = "<h1>fiberlab: fibers and coroutines, measured</h1>" + environment_line(results)
    if tiny(results):
        head += f"<p class='banner' role='note'>{esc(TINY_BANNER)}</p>"
    body = "".join(drawn[anchor] for anchor, _title, _make in SECTIONS)
    return head + contents(drawn, ctx), body
