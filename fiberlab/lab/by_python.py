"""The report's "Across Python versions" section, from results/pythons/<scenario>.json.

`make compare-pythons` writes one `run --python ...` result per scenario there
(models keyed "model@X.Y", each entry naming its "model" and "python"). For
each scenario this draws two grouped bar charts, ns per op and bytes per task
(the USS slope over the task count), with one group per model and one bar per
interpreter, so a model's move across versions is read left to right inside its
group. A model that failed on an interpreter has no bar there and is listed
under the charts. With no results/pythons/, the section is one line saying so.
"""

import html
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
from fiberlab import table as terminal_table  # noqa: E402
from fiberlab.result import Result, SchemaError, SchemaVersionError  # noqa: E402


FOLDER = "pythons"  # under the results folder; the Makefile's PYTHONS_OUT
SAME = 1.05  # a model whose interpreters are within 5% of each other is not ranked across them
LOG_RANGE = 50  # as in lab_report: bars whose values span more than this factor get a log axis
MEASURES = (
    # (file suffix, chart title, y label, the number from one model entry)
    ("ns_per_op", "ns per op", "ns per op", lambda entry: entry.ns_per_op),
    ("bytes_per_task", "bytes per task (USS slope)", "bytes per task",
     lambda entry: entry.memory.bytes_per_task if entry.memory else None),
)


def esc(value):
    return html.escape(str(value))


def load(results_dir):
    """{scenario: Result} for the multi-interpreter results, or {} when compare-pythons was not run.
    A file that is not a run's result is skipped with one line; one of another schema version
    raises SchemaVersionError naming it (the report refuses it: fiberlab/lab/report.py)."""
    folder = Path(results_dir) / FOLDER
    results = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            print(f"lab_report: skipping {path}: not valid JSON (truncated?): {exc}", file=sys.stderr)
            continue
        if not isinstance(data, dict) or not isinstance(data.get("models"), dict):
            print(f"lab_report: skipping {path}: not a `fiberlab run --json` result", file=sys.stderr)
            continue
        try:
            result = Result.from_json(data)
        except SchemaVersionError as exc:
            raise SchemaVersionError(f"{path}: {exc}") from None
        except SchemaError as exc:
            print(f"lab_report: skipping {path}: {exc}", file=sys.stderr)
            continue
        if result.environment and result.environment.interpreters:
            results[result.scenario] = result
    return results


def by_model_and_python(result, measure):
    """{model: {python: value}} over the entries that ran ok and have the number; model order as run."""
    table = {}
    for entry in result.models.values():
        if not entry.ok or entry.python is None:
            continue
        value = measure(entry)
        if value is not None:
            table.setdefault(entry.model, {})[entry.python] = value
    return table


def grouped_bar_chart(out_dir, filename, title, ylabel, table, pythons):
    """table: {model: {python: value}}; one group per model, one bar per interpreter. Returns the filename."""
    figure, axes = plt.subplots(figsize=(7.2, 4.0), dpi=100, layout="constrained")
    models = list(table)
    width = 0.8 / max(len(pythons), 1)
    for index, python in enumerate(pythons):
        xs = [number + (index - (len(pythons) - 1) / 2) * width for number, model in enumerate(models)
              if python in table[model]]
        ys = [table[model][python] for model in models if python in table[model]]
        axes.bar(xs, ys, width, label=f"Python {python}")
    axes.set_xticks(range(len(models)), models)
    axes.set_xlabel("model (one bar per interpreter)")
    values = [value for per_python in table.values() for value in per_python.values() if value > 0]
    if values and max(values) / min(values) > LOG_RANGE:
        axes.set_yscale("log")
    axes.set_title(title)
    axes.set_ylabel(ylabel)
    axes.grid(True, axis="y", alpha=0.3)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)  # outside the bars
    figure.savefig(out_dir / filename, format="png")
    plt.close(figure)
    return filename


def across_pythons(table, unit):
    """The paragraph under one by-interpreter chart: for each model, its lowest interpreter and the spread."""
    parts = []
    for model, per_python in table.items():
        positive = {python: value for python, value in per_python.items() if value > 0}
        if not positive:
            continue
        best, worst = min(positive, key=positive.get), max(positive, key=positive.get)
        if len(positive) == 1:
            parts.append(f"<b>{esc(model)}</b> {positive[best]:,.0f} {esc(unit)} on {esc(best)} only")
        elif positive[worst] / positive[best] < SAME:
            parts.append(f"<b>{esc(model)}</b> within {(SAME - 1) * 100:.0f}% on every interpreter "
                         f"({positive[best]:,.0f} {esc(unit)})")
        else:
            parts.append(f"<b>{esc(model)}</b> lowest on {esc(best)} ({positive[best]:,.0f} {esc(unit)}), "
                         f"{positive[worst] / positive[best]:.2f}x that on {esc(worst)}")
    return ("<p class='says'>Each model's bars, left to right, are the interpreters; lower is better. "
            + "; ".join(parts) + ".</p>") if parts else "<p class='says'>No model ran ok on any interpreter.</p>"


def scenario_part(scenario, result, out_dir):
    interpreters = result.environment.interpreters
    versions = ", ".join(f"{python}: {described.python or '?'} (greenlet {described.greenlet or '?'}, "
                         f"gevent {described.gevent or '?'})" for python, described in interpreters.items())
    pythons = list(interpreters)
    params = ", ".join(f"{name}={value}" for name, value in result.params.items())
    figures = []
    for suffix, title, ylabel, measure in MEASURES:
        table = by_model_and_python(result, measure)
        if table:
            chart = grouped_bar_chart(out_dir, f"pythons_{scenario}_{suffix}.png",
                                      f"{scenario}: {title}, by interpreter", ylabel, table, pythons)
            alt = f"{scenario}: {title} per model, one bar per Python interpreter"
            figures.append(f"<figure class='chart'><img src='{esc(chart)}' alt='{esc(alt)}' width='720' "
                           f"height='400'><figcaption>{across_pythons(table, ylabel)}</figcaption></figure>")
    failures = [f"{model}: {entry.status}: {entry.error}" for model, entry in result.models.items() if not entry.ok]
    rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in terminal_table.rows(result))
    head = "".join(f"<th>{esc(cell)}</th>" for cell in terminal_table.COLUMNS)
    # The parameters go in a line of their own under the heading: in the heading they wrapped.
    return (f"<h3>{esc(scenario)}</h3><p class='params'>{esc(params)}</p><p>{esc(versions)}</p>"
            "<div class='charts'>" + "".join(figures)
            + "</div>" + (("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in failures) + "</ul>") if failures else "")
            + f"<div class='wide'><table><tr>{head}</tr>{rows}</table></div>")


def section(results_dir, out_dir):
    """The HTML section; '' when results/pythons/ holds no multi-interpreter result (no section for data
    that was not run)."""
    results = load(results_dir)
    heading = "<h2 id='pythons'>Across Python versions</h2>"
    if not results:
        return ""
    intro = ("<p>Each scenario at default sizes on every interpreter <code>make compare-pythons</code> found, "
             "each model in that interpreter's own venv (.venv-pythons/X.Y).</p>")
    return heading + intro + "".join(scenario_part(scenario, result, out_dir) for scenario, result in results.items())
