"""The report's http section: a web service on every model, in the lab's own run and under outside load.

section(results, out_dir) returns its HTML, from two files of results/: the http sweep
(`make sweep SWEEPS=http`: the scenario's own clients, timed by the lab's method, every model
parsing with h11) and http_outside.json (`make outside-load`: wrk against each model's
`fiberlab serve http` and the reference servers users run). Every row says which parser and
loop served it. The two are different measurements (the lab's clients in its own processes;
wrk beside a server it does not share a process with), so they are never drawn on one chart:
the outside load gets two charts here (requests/s against connections; p50 and p99 at the most
connections), the sweep a table here and its charts in the http scenario's section. The
paragraph is computed from both; where a file is missing, one line names the command that
writes it. The choosing table's web-service row (fiberlab/lab/choosing.py web_service) links here.
"""

from fiberlab.lab import charts as lab_charts
from fiberlab.lab import choosing, figures
from fiberlab.lab import http_outside
from fiberlab.lab.charts import Point
from fiberlab.lab.template import esc, figure, fold, table as html_table

ANCHOR = "web-service"
SWEEP = "http"
OUTSIDE = "http_outside"
MAKE_SWEEP = "make sweep SWEEPS=http"
MAKE_OUTSIDE = "make outside-load"
PARSER = "h11"  # every lab model parses with it (scenarios/http/server_side.py, client_side.py)
# A reference server's colour: a lighter shade of the lab model on the same loop (charts.PALETTE).
REFERENCE_COLOURS = {"uvicorn h11 asyncio": "#98df8a", "uvicorn h11 uvloop": "#c5b0d5",
                     "gevent.pywsgi": "#ffbb78", "ThreadingHTTPServer": "#c49c94"}


def label(server):
    """A chart's name for an outside-load row: the model id for a lab server (its colour
    everywhere in the report), the server's own name for a reference."""
    return server.removeprefix("lab ")


def ms(seconds):
    return f"{figures.number(seconds * 1e3)} ms"


# ---------------------------------------------------------------- the lab's own run (the sweep)


def loop_of(entry):
    """What ran the server's units (the `sides` record), and where the clients ran."""
    sides = (entry.get("records") or {}).get("sides") or {}
    server, clients = sides.get("server") or {}, sides.get("clients") or {}
    if not server:
        return "-"
    where = "clients in this process" if server.get("pid") == clients.get("pid") else "clients split off"
    return f"{server.get('scheduler')} ({where})"


def sweep_rows(data, row):
    """A table row per model at the sweep's largest point: parser, loop, requests/s (the lab's
    figure: a whole run's requests over its wall time, with interval), the ratio to asyncio
    (paired where it can be), requests/s over the traffic alone (one run), p50 and p99."""
    largest = max(data["points"], key=lambda point: point["value"])
    out = []
    for model, entry in largest["result"]["models"].items():
        if entry.get("status") != "ok":
            out.append([model, PARSER, "-", entry.get("status", "-"), "-", "-", "-", "-"])
            continue
        rate = figures.rate(entry)
        traffic = figures.record(entry, "requests_per_s")
        p50, p99 = (figures.record(entry, "latency_s", part, 1e3) for part in ("p50", "p99"))
        out.append([model, PARSER, loop_of(entry), figures.compact(rate) if rate else "-",
                    choosing.cell_parts(row, model)[0] if row else "-",
                    figures.number(traffic.value) if traffic else "-",
                    f"{figures.number(p50.value)} ms" if p50 else "-",
                    f"{figures.number(p99.value)} ms" if p99 else "-"])
    return largest, out


def sweep_part(data, row, ctx_has):
    largest, rows = sweep_rows(data, row)
    header = ["model", "parser", "loop (server's side)", "requests/s [interval] n", "× asyncio",
              "requests/s, traffic only (one run)", "p50", "p99"]
    charts = " ".join(f"<a href='#{esc(anchor)}'>{esc(name)}</a>" for anchor, name in (
        ("chart-http-requests_per_s", "requests/s"), ("chart-http-p99_latency", "p99"),
        ("chart-http-p50_latency", "p50")) if ctx_has(anchor))
    params = ", ".join(f"{name}={value}" for name, value in largest["result"].get("params", {}).items())
    return (f"<h3>The lab's own run: {largest['value']:,} keep-alive connections</h3>"
            f"<p class='params'>{esc(params)}</p>" + html_table(header, rows)
            + "<p class='legend'>requests/s: the run's requests over its whole wall time (connects, the client "
              "process's start when split, traffic), timed by the lab's method; × asyncio: the paired ratio where "
              "the two models' values were taken close in time; traffic only: from the barrier opening to every "
              f"connection closed, in one run. Charts against connections: {charts or 'in the http scenario'}. "
              f"Rerun: <code>{esc(data.get('command', MAKE_SWEEP))}</code></p>")


# ---------------------------------------------------------------- outside load (wrk)


def outside_series(data, field, factor=1.0):
    """{label: [Point(connections, row[field] * factor)]}, one series per server."""
    series = {}
    for row in data["rows"]:
        series.setdefault(label(row["server"]), []).append(Point(row["connections"], row[field] * factor))
    return series


def latency_bars(out_dir, filename, data):
    """p50 and p99 per server at the most connections wrk drove every server at: two bars each."""
    most = max(row["connections"] for row in data["rows"])
    rows = [row for row in data["rows"] if row["connections"] == most]
    plot, axes = lab_charts.plt.subplots(figsize=lab_charts.FIGSIZE, dpi=lab_charts.DPI, layout="constrained")
    places = range(len(rows))
    for offset, part, hatch in ((-0.2, "p50_s", ""), (0.2, "p99_s", "//")):
        axes.bar([place + offset for place in places], [row[part] * 1e3 for row in rows], width=0.4,
                 color=[colour(row["server"]) for row in rows], hatch=hatch, edgecolor="black", linewidth=0.3)
    axes.set_xticks(list(places), [label(row["server"]) for row in rows], rotation=30, ha="right")
    if lab_charts.log_wanted([row["p99_s"] for row in rows] + [row["p50_s"] for row in rows]):
        axes.set_yscale("log")
    axes.grid(True, axis="y", alpha=0.3)
    axes.set_title(f"outside load: p50 (plain) and p99 (hatched) at {most:,} connections")
    axes.set_ylabel("ms per request (wrk)")
    plot.savefig(out_dir / filename, format="png")
    lab_charts.plt.close(plot)
    return most, rows


def colour(server):
    return REFERENCE_COLOURS.get(server) or lab_charts.colour_for(label(server))


def rates_chart(out_dir, filename, data):
    """requests/s against connections, a line per server, in the colours of latency_bars()."""
    series = outside_series(data, "requests_per_s")
    plot, axes = lab_charts.plt.subplots(figsize=lab_charts.FIGSIZE, dpi=lab_charts.DPI, layout="constrained")
    for name, points in series.items():
        points = sorted(points, key=lambda point: point.x)
        style = "--" if name in REFERENCE_COLOURS else "-"
        axes.plot([p.x for p in points], [p.y for p in points], style, marker="o", label=name,
                  color=REFERENCE_COLOURS.get(name) or lab_charts.colour_for(name))
    axes.set_xscale("log")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    axes.set_title("outside load: requests per second (wrk; references dashed)")
    axes.set_xlabel("connections wrk keeps open (count)")
    axes.set_ylabel("requests/s (wrk)")
    axes.set_ylim(bottom=0)
    plot.savefig(out_dir / filename, format="png")
    lab_charts.plt.close(plot)


def outside_rows(data):
    """A row per server: its parser and loop, then per connection count requests/s, p50, p99."""
    counts = sorted({row["connections"] for row in data["rows"]})
    by = {(row["server"], row["connections"]): row for row in data["rows"]}
    servers = list(dict.fromkeys(row["server"] for row in data["rows"]))
    rows = []
    for server in servers:
        first = next(row for row in data["rows"] if row["server"] == server)
        cells = []
        for count in counts:
            row = by.get((server, count))
            errors = f", {row['errors']:,} errors" if row and row["errors"] else ""
            cells.append(f"{figures.number(row['requests_per_s'])} req/s; p50 {ms(row['p50_s'])}, "
                         f"p99 {ms(row['p99_s'])}{errors}" if row else "-")
        rows.append([server, first["parser"], first["loop"], *cells])
    return counts, rows


def load_text(load):
    """'0.52, 0.61, 0.70' from the 1-, 5- and 15-minute load averages, '?' where not recorded."""
    return ", ".join(f"{value:.2f}" for value in load) if isinstance(load, (list, tuple)) else "?"


def outside_part(data, out_dir):
    counts, rows = outside_rows(data)
    rates_chart(out_dir, "http_outside_requests_per_s.png", data)
    most, _bars = latency_bars(out_dir, "http_outside_latency.png", data)
    best = max(data["rows"], key=lambda row: row["requests_per_s"])
    charts = (figure("http_outside_requests_per_s.png", "Requests per second wrk got from each server (lab models "
                     "solid, reference servers dashed) against the connections it kept open.",
                     esc(f"Most requests/s: {best['server']} at {best['connections']:,} connections "
                         f"({figures.number(best['requests_per_s'])} req/s)."), "chart-http_outside-requests_per_s")
              + figure("http_outside_latency.png", f"Median and 99th-percentile request latency wrk measured "
                       f"against each server at {most:,} connections.",
                       esc(f"p50 and p99 per server at {most:,} connections, in ms."), "chart-http_outside-latency"))
    header = ["server", "parser", "loop"] + [f"{count:,} connection{'s' if count != 1 else ''}" for count in counts]
    load = f"load average {load_text(data.get('load_before'))} before, {load_text(data.get('load_after'))} after"
    return (f"<h3>Outside load: wrk on GET {esc(data.get('path', ''))}, {data.get('duration_s')} s per point</h3>"
            f"<div class='charts'>{charts}</div>"
            + fold(f"Every server's row: its parser, its loop, wrk's figures ({load})", html_table(header, rows))
            + f"<p class='legend'>Rerun: <code>{MAKE_OUTSIDE}</code></p>")


# ---------------------------------------------------------------- words


def outside_words(data):
    """gevent against asyncio under wrk, lab and reference servers alike, at the most connections,
    then how far each lab server is from the reference of the same parser and loop."""
    most = max(row["connections"] for row in data["rows"])
    by = {row["server"]: row["requests_per_s"] for row in data["rows"] if row["connections"] == most}
    said = []
    for gevent, asyncio in (("lab gevent", "lab asyncio"), ("gevent.pywsgi", "uvicorn h11 asyncio")):
        if by.get(gevent) and by.get(asyncio):
            said.append(f"{gevent} {figures.number(by[gevent])} against {asyncio} {figures.number(by[asyncio])} "
                        f"requests/s (×{by[gevent] / by[asyncio]:.2f})")
    lead = f"Under wrk at {most:,} connections (one run per server, no interval): " + "; ".join(said) + ". "
    return (lead if said else "") + http_outside.paragraph(data)


def paragraph(sweep_row, outside):
    parts = []
    if sweep_row is not None:
        parts.append(f"gevent or asyncio for a web service, in the lab's own run ({sweep_row.where}): "
                     f"{sweep_row.verdict}.")
    if outside:
        parts.append(outside_words(outside))
    return " ".join(parts)


def missing_line(has_sweep, has_outside):
    """The one line that names the command writing each missing file, or ''."""
    if has_sweep and has_outside:
        return ""
    if not has_sweep and not has_outside:
        return (f"No http results yet: <code>{MAKE_SWEEP}</code> runs the scenario on every model, "
                f"<code>{MAKE_OUTSIDE}</code> drives the servers with wrk.")
    if not has_sweep:
        return f"The lab's own run is not in results/ yet: <code>{MAKE_SWEEP}</code> writes it."
    return f"No outside load in results/ yet: <code>{MAKE_OUTSIDE}</code> writes it (it needs wrk)."


def section(results, out_dir, ctx_has=lambda anchor: True):
    sweep, outside = results.get(SWEEP), results.get(OUTSIDE)
    has_sweep = bool((sweep or {}).get("points"))
    has_outside = bool((outside or {}).get("rows"))
    row = choosing.web_service({SWEEP: sweep} if has_sweep else {})
    words = paragraph(row, outside if has_outside else None)
    missing = missing_line(has_sweep, has_outside)
    body = f"<p>{esc(words)}</p>" if words else ""
    body += f"<p class='legend'>{missing}</p>" if missing else ""
    if has_sweep:
        body += sweep_part(sweep, row, ctx_has)
    if has_outside:
        body += outside_part(outside, out_dir)
    return f"<section id='{ANCHOR}'><h2>A web service: http on every model</h2>{body}</section>"
