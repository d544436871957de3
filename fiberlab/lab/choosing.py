"""Choosing a model: the questions users bring, answered from results/, asyncio = 1.0.

    python -m fiberlab.lab.choosing --results results [--format md|text|html]

rows(results) computes one Row per question whose sweep is in results/ (a
question whose data was not run is left out, never guessed): for each model a
Cell with the measured figure (fiberlab/lab/figures.py: interval and n) and
its ratio to asyncio's figure at the same point; where the two models' values
were taken close in time, the paired ratio (fiberlab/comparison.py) instead.
A row that asks "X or Y" carries its verdict, decided by that ratio's
interval. advice(rows) turns the rows
into a few plain sentences, each quoting its figure. The report's first
section and the README's "Choosing a model" print the same rows, so both
quote the same numbers.
"""

import argparse
import html
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from fiberlab import comparison, output
from fiberlab.lab import figures
from fiberlab.lab.figures import Figure
from fiberlab.lab.results_folder import load_results
from fiberlab.result import SchemaVersionError

BASELINE = "asyncio"
MODELS = ("asyncio", "uvloop", "gevent", "threads", "greenlet", "coroutines")  # the Python models, baseline first
LEGEND = ("Each cell: the model's figure divided by asyncio's at the same point (asyncio = 1.0), the 95% "
          "interval of that ratio in brackets (times and requests per second: from values of the two models "
          "taken close in time, paired; else each side's interval at its extremes; never below zero), then "
          "the figure itself and n, the values it rests on.")
PAIRED = "paired 95% CI"  # a rate ratio's kind when it comes from values taken close in time


@dataclass(frozen=True)
class Cell:
    figure: Optional[Figure] = None  # the measured figure, in the row's unit
    ratio: Optional[Figure] = None  # figure / asyncio's figure
    note: str = ""  # said instead of a figure: "cannot (unsupported)", "failed"


@dataclass
class Row:
    question: str
    unit: str
    better: str  # "lower" or "higher"
    where: str  # the point it was read at ("depth 10,000")
    anchor: str  # the id of the report's chart (or section) that shows it
    cells: dict = field(default_factory=dict)  # {model: Cell}
    verdict: str = ""  # a question between two models: which one, and the ratio that decides it


def _ok(entry):
    return bool(entry) and entry.get("status") == "ok"


def _note(entry):
    if not entry:
        return ""
    return "cannot (unsupported)" if entry.get("status") == "unsupported" else entry.get("status", "")


def _point(results, sweep, pick=max):
    """(axis value, {model: entry}) of the sweep's chosen point (largest by default), or (None, {})."""
    value, result = point_result(results, sweep, pick)
    return value, (result or {}).get("models") or {}


def point_result(results, sweep, pick=max):
    """(axis value, that point's whole Result as JSON) of the sweep's chosen point, or (None, None)."""
    points = (results.get(sweep) or {}).get("points") or []
    if not points:
        return None, None
    chosen = pick(points, key=lambda point: point["value"])
    return chosen["value"], chosen["result"]


def paired(result, model, base=BASELINE):
    """model / base (asyncio) from values taken close in time in one run (fiberlab/comparison.py,
    the method of every timing comparison of the lab) as a Figure with n = its pairs, or None."""
    found = comparison.paired_ratio(result, model, base) if result else None
    if not found:
        return None
    low, high = found["ci95"] or (None, None)
    return Figure(found["ratio"], low, high, found["pairs"], figures.CI if found["ci95"] else "")


def _row(question, unit, better, where, anchor, entries, measure, result=None):
    """A Row from {model: entry} and measure(entry) -> Figure; ratios against asyncio's figure.
    With the point's whole result (timings), a ratio comes from paired values where the two
    models share pairs; else it is the ratio of the figures, each interval at its extremes."""
    row = Row(question, unit, better, where, anchor)
    base = measure(entries.get(BASELINE)) if _ok(entries.get(BASELINE)) else None
    for model in MODELS:
        entry = entries.get(model)
        if entry is None:
            continue
        figure = measure(entry) if _ok(entry) else None
        ratio = (paired(result, model) if figure and base and model != BASELINE else None) or figures.ratio(figure, base)
        row.cells[model] = Cell(figure, ratio, "" if figure else _note(entry) or "no figure")
    return row if any(cell.figure for cell in row.cells.values()) else None


def hand_over(results):
    value, result = point_result(results, "pingpong_switch", min)
    if not result:
        return None
    return _row("Hand-over cost (one round trip: two hand-overs)", "ns", "lower", f"pairs {value:,}",
                "chart-pingpong_switch-ns_per_round_trip", result["models"], figures.timing, result)


def idle_memory(results):
    value, entries = _point(results, "idle")
    if entries:
        return _row("Memory per idle task", "B", "lower", f"{value:,} tasks", "chart-idle-bytes_per_task", entries,
                    figures.bytes_per_task)
    data = results.get("pingpong_tasks")
    if not data:
        return None
    fits = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if _ok(entry):
                fits.setdefault(model, []).append((entry["stack"]["tasks"], entry["memory"]["uss_delta_bytes"]))
    entries = {model: {"status": "ok", "fit": fit} for model, fit in fits.items()}
    return _row("Memory per idle task (pingpong pairs)", "B", "lower", "slope over every point",
                "chart-pingpong_tasks-bytes_per_task", entries, lambda entry: figures.slope_figure(entry["fit"]))


def deep_memory(results):
    data = results.get("deep_chain_depth")
    shared = [point for point in (data or {}).get("points", [])
              if figures.bytes_per_task(point["result"]["models"].get(BASELINE))]
    if not shared:
        return None
    deepest = max(shared, key=lambda point: point["value"])
    return _row("Memory per suspended deep task", "B", "lower", f"depth {deepest['value']:,}",
                "chart-deep_chain_depth-bytes_per_task", deepest["result"]["models"], figures.bytes_per_task)


def through_c(results):
    value, result = point_result(results, "deep_chain_via_c")
    if not result:
        return None
    return _row("Suspending through C code (one resume)", "ns", "lower", f"depth {value:,}, via=c",
                "chart-deep_chain_via_c-ns_per_resume", result["models"], figures.timing, result)


def connections(results):
    value, entries = _point(results, "connections")
    if not entries:
        return None
    return _row(f"Throughput at {value:,} connections", "msg/s", "higher", f"{value:,} connections",
                "chart-connections-messages_per_s", entries, figures.rate)


def paired_rate(result, model):
    """model's rate over asyncio's at one point: paired()'s ratio of their times per op inverted,
    its interval too; None without pairs."""
    time = paired(result, model)
    if time is None:
        return None
    return Figure(1 / time.value, 1 / time.high if time.high else None, 1 / time.low if time.low else None,
                  time.n, PAIRED if time.low else "")


def web_verdict(row, model="gevent"):
    """Which of `model` and asyncio serves more requests per second, from the cell's ratio: its
    interval decides, and a ratio without one decides nothing."""
    cell = row.cells.get(model)
    if cell is None or cell.ratio is None:
        return f"undecided: no {model} and asyncio figures to compare"
    ratio = cell.ratio
    how = f"paired values, {ratio.n} pairs" if ratio.kind == PAIRED else (
        "each side's interval" if ratio.low is not None else "no interval")
    said = f"{model} serves {times(ratio)} asyncio's requests per second ({how})"
    if ratio.low is None or ratio.high is None:
        return f"undecided: {said}"
    if within_noise(ratio):
        return f"either, the same within noise: {said}"
    return f"{model if ratio.value > 1 else BASELINE}: {said}"


def _web_from_outside(data):
    """The web-service row from wrk's figures (make outside-load) at the most connections both the
    lab's gevent and asyncio servers were driven at: one run per server, so no interval."""
    by = {(row["server"], row["connections"]): row for row in data.get("rows") or []}
    counts = [count for (server, count) in by if server == f"lab {BASELINE}" and ("lab gevent", count) in by]
    if not counts:
        return None
    count = max(counts)
    entries = {server.removeprefix("lab "): {"status": "ok", "rate": row["requests_per_s"]}
               for (server, each), row in by.items() if each == count and server.startswith("lab ")}
    return _row("gevent or asyncio for a web service (requests per second)", "req/s", "higher",
                f"wrk, {count:,} connections, one run per server", "web-service", entries,
                lambda entry: Figure(entry["rate"]))


def web_service(results):
    """gevent or asyncio for a web service: requests per second on the http scenario's largest point
    (its own clients, every model parsing with h11), each ratio paired where it can be; without that
    sweep, wrk's figures from make outside-load. The verdict: web_verdict()."""
    points = (results.get("http") or {}).get("points") or []
    if points:
        largest = max(points, key=lambda point: point["value"])
        split = ", clients split off" if largest["result"].get("params", {}).get("split") else ""
        row = _row("gevent or asyncio for a web service (requests per second)", "req/s", "higher",
                   f"{largest['value']:,} keep-alive connections{split}, h11 on every model",
                   "web-service", largest["result"]["models"], figures.rate)
        for model, cell in (row.cells if row else {}).items():
            paired = paired_rate(largest["result"], model) if cell.figure and model != BASELINE else None
            if paired is not None:
                row.cells[model] = Cell(cell.figure, paired, cell.note)
    else:
        row = _web_from_outside(results.get("http_outside") or {})
    if row is not None:
        row.verdict = web_verdict(row)
    return row


def lateness(results):
    value, entries = _point(results, "fairness_slice")
    if not entries:
        return None
    return _row("Lateness beside a task that does not yield (worst wake-up)", "ms", "lower",
                f"slice {value:g} ms", "chart-fairness_slice-lateness_max", entries,
                lambda entry: figures.record(entry, "lateness_s", "max", 1e3))


def cancellation(results):
    value, entries = _point(results, "cancel_depth")
    if not entries:
        return None
    return _row("Cancellation through a deep chain (cancel to end, p99)", "µs", "lower", f"depth {value:,}",
                "chart-cancel_depth-cancel_to_end_p99", entries,
                lambda entry: figures.record(entry, "cancel_to_end_s", "p99", 1e6))


def deepest_chain(results):
    data = results.get("deep_chain_limit")
    if not data:
        return None
    deepest = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            if _ok(entry):
                deepest[model] = max(deepest.get(model) or 0, point["value"])
            else:
                deepest.setdefault(model, None)
    entries = {model: {"status": "ok", "depth": depth} if depth else {"status": "failed"}
               for model, depth in deepest.items()}
    tried = max(point["value"] for point in data["points"])
    return _row("Deepest chain completed", "frames", "higher", f"depth stepped up to {tried:,} or a failure",
                "sweep-deep_chain_limit", entries, lambda entry: Figure(entry["depth"]))


QUESTIONS: tuple[Callable, ...] = (hand_over, idle_memory, deep_memory, through_c, connections, web_service,
                                   lateness, cancellation, deepest_chain)


def rows(results):
    """The rows whose data is present, in QUESTIONS order."""
    return [row for row in (question(results) for question in QUESTIONS) if row is not None]


def models_in(found):
    return [model for model in MODELS if any(model in row.cells for row in found)]


# ---------------------------------------------------------------- words


def _ratio_number(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 10 else f"{value:,.2f}"


def times(ratio):
    """'×0.72 [0.59–0.87]' (or '×0.72' without an interval)."""
    text = f"×{_ratio_number(ratio.value)}"
    if ratio.low is not None and ratio.high is not None:
        text += f" [{_ratio_number(ratio.low)}–{_ratio_number(ratio.high)}]"
    return text


def within_noise(ratio):
    return ratio.low is not None and ratio.high is not None and ratio.low <= 1 <= ratio.high


def cell_parts(row, model):
    """(ratio to asyncio, the figure with its n) of one cell; ('-', '') where the model did not run.
    Where asyncio has no figure (it cannot do this at all), the figure itself leads and no ratio is made up."""
    cell = row.cells.get(model)
    if cell is None:
        return "-", ""
    if cell.figure is None:
        return cell.note, ""
    figure = cell.figure
    value = f"{figures.number(figure.value)} {row.unit}"
    n = f", n={figure.n}" if figure.n else ""
    if model == BASELINE:
        return "1.0", value + n
    if cell.ratio is None:
        base = row.cells.get(BASELINE)
        why = "asyncio cannot" if base and base.note.startswith("cannot") else "no asyncio figure"
        return value, f"{why}: no ratio{n}"
    return times(cell.ratio), value + n


def cell_text(row, model):
    ratio, shown = cell_parts(row, model)
    return f"{ratio} ({shown})" if shown else ratio


def _find(found, anchor):
    return next((row for row in found if row.anchor == anchor), None)


def _figure(row, model):
    cell = row.cells.get(model) if row else None
    return cell.figure if cell else None


def _gevent_advice(found):
    said = []
    via_c, switch = _find(found, "chart-deep_chain_via_c-ns_per_resume"), _find(found, "chart-pingpong_switch-ns_per_round_trip")
    gevent_c = _figure(via_c, "gevent")
    if gevent_c and via_c.cells.get(BASELINE) and not via_c.cells[BASELINE].figure:
        said.append((f"Choose gevent when tasks must wait inside calls through C code or blocking libraries: "
                     f"it resumed through C frames in {figures.number(gevent_c.value)} ns ({via_c.where}); "
                     f"asyncio cannot suspend there at all.", via_c.anchor))
    if switch and switch.cells.get("gevent") and switch.cells["gevent"].ratio:
        ratio = switch.cells["gevent"].ratio
        verdict = ("the same within noise as" if within_noise(ratio)
                   else "cheaper than" if ratio.value < 1 else "dearer than")
        said.append((f"A gevent hand-over is {verdict} asyncio's: {times(ratio)} "
                     f"({figures.number(_figure(switch, 'gevent').value)} ns against "
                     f"{figures.number(_figure(switch, BASELINE).value)} ns per round trip).", switch.anchor))
    return said


def advice(found):
    """[(sentence, anchor)]: when gevent, asyncio, uvloop, threads; each with the figure it rests on."""
    said = _gevent_advice(found)
    idle = _find(found, "chart-idle-bytes_per_task") or _find(found, "chart-pingpong_tasks-bytes_per_task")
    if idle and _figure(idle, BASELINE) and _figure(idle, "gevent"):
        base, other = _figure(idle, BASELINE), _figure(idle, "gevent")
        lead = ("Choose asyncio when you hold many idle tasks" if base.value < other.value
                else "asyncio has no memory advantage for idle tasks here")
        said.append((f"{lead}: one costs {figures.number(base.value)} B on asyncio and "
                     f"{figures.number(other.value)} B on gevent.", idle.anchor))
    wire = _find(found, "chart-connections-messages_per_s")
    if wire and wire.cells.get("uvloop") and wire.cells["uvloop"].ratio:
        ratio = wire.cells["uvloop"].ratio
        lead = ("uvloop gains nothing measurable over asyncio here" if within_noise(ratio) or ratio.value <= 1
                else "Choose uvloop over asyncio for many sockets")
        said.append((f"{lead}: it moves {times(ratio)} asyncio's messages per second ({wire.where}).", wire.anchor))
    web = _find(found, "web-service")
    if web and web.verdict:
        said.append((f"For a web service ({web.where}): {web.verdict}.", web.anchor))
    late = _find(found, "chart-fairness_slice-lateness_max")
    if late and _figure(late, "threads") and _figure(late, BASELINE):
        threads, base = _figure(late, "threads"), _figure(late, BASELINE)
        lead = ("Choose threads when a task may compute without yielding" if threads.value < base.value
                else "Threads did not wake sooner than asyncio beside a task that does not yield")
        sentence = (f"{lead}: the worst wake-up was {figures.number(threads.value)} ms late on threads, "
                    f"{figures.number(base.value)} ms on asyncio ({late.where})")
        if idle and _figure(idle, "threads"):
            sentence += f"; but an idle thread costs {figures.number(_figure(idle, 'threads').value)} B"
        said.append((sentence + ".", late.anchor))
    return said


# ---------------------------------------------------------------- output


def _verdict_words(row):
    return f"; verdict: {row.verdict}" if row.verdict else ""


def markdown(found):
    models = models_in(found)
    lines = ["| question | where | " + " | ".join(models) + " |", "|---|---|" + "---|" * len(models)]
    lines += [f"| {row.question} ({row.better} is better){_verdict_words(row)} | {row.where} | "
              + " | ".join(cell_text(row, model) for model in models) + " |" for row in found]
    return "\n".join(lines + ["", LEGEND, ""] + [f"- {sentence}" for sentence, _anchor in advice(found)])


def text(found):
    lines = []
    for row in found:
        lines.append(f"{row.question} ({row.where}; {row.better} is better){_verdict_words(row)}")
        lines += [f"  {model:<11} {cell_text(row, model)}" for model in models_in(found) if model in row.cells]
    return "\n".join(lines + ["", LEGEND, ""] + [sentence for sentence, _anchor in advice(found)])


def html_section(found, anchor_exists=lambda anchor: True):
    """The report's first section: the table, then the advice, each linked to its chart."""
    esc = html.escape
    if not found:
        return ""
    models = models_in(found)
    head = "<th>question</th>" + "".join(f"<th>{esc(model)}</th>" for model in models)
    body = ""
    for row in found:
        question = esc(row.question)
        if anchor_exists(row.anchor):
            question = f"<a href='#{esc(row.anchor)}'>{question}</a>"
        tds = "".join("<td>{}<br><small>{}</small></td>".format(*map(esc, cell_parts(row, model)))
                      for model in models)
        verdict = f"<br><b>verdict</b>: {esc(row.verdict)}" if row.verdict else ""
        body += (f"<tr><td>{question}<br><small>{esc(row.where)}; {esc(row.better)} is better</small>{verdict}</td>"
                 f"{tds}</tr>")
    said = "".join(f"<li>{esc(sentence)} <a href='#{esc(anchor)}'>chart</a></li>"
                   for sentence, anchor in advice(found) if anchor_exists(anchor))
    return ("<section id='choosing'><h2>Choosing a model</h2>"
            f"<div class='wide'><table class='choosing'><tr>{head}</tr>{body}</table></div>"
            f"<p class='legend'>{esc(LEGEND)}</p><ul class='advice'>{said}</ul></section>")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.choosing", description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results", help="folder the sweep wrote (default results)")
    parser.add_argument("--format", choices=("md", "text", "html"), default="text")
    args = parser.parse_args(argv)
    if not Path(args.results).is_dir():
        print(f"choosing: no folder {args.results!r}: run make sweep first", file=sys.stderr)
        return 2
    try:
        found = rows(load_results(args.results, "choosing"))
    except SchemaVersionError as exc:
        print(f"choosing: refused {exc}; run the sweeps again (make sweep)", file=sys.stderr)
        return 2
    if not found:
        print(f"choosing: no sweep in {args.results}/ answers a question: run make sweep first", file=sys.stderr)
        return 2
    output.emit({"md": markdown, "text": text, "html": html_section}[args.format](found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
