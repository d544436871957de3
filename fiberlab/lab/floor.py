"""The native floor: every model's hand-over and idle-task cost beside the same game in C++.

section(results, out_dir) draws floor.png (two panels on log axes, one
quantity each) and returns its HTML with the ratios in a table, or '' when no
C++ model ran (no section for data that was not run). A hand-over is half a
pingpong_switch round trip (fiberlab/lab/figures.py's timing); bytes per task
is the USS slope over pingpong_tasks' points.
"""

from fiberlab import table
from fiberlab.lab import charts as lab_charts
from fiberlab.lab import figures
from fiberlab.lab.template import figure, table as html_table


def floor_figures(results):
    """{model: (ns per hand-over, bytes per suspended task)}; either may be None where its sweep lacks the model."""
    switch = (results.get("pingpong_switch") or {}).get("points") or []
    ns = {}
    for model, entry in (switch[0]["result"]["models"].items() if switch else ()):
        timing = figures.timing(entry)
        if timing is not None:
            ns[model] = timing.value / 2
    by_model = {}  # keyed by model id (not by series label): the rows of this chart are models
    for point in (results.get("pingpong_tasks") or {}).get("points") or []:
        for model, entry in point["result"]["models"].items():
            if entry["status"] == "ok":
                by_model.setdefault(model, []).append((entry["stack"]["tasks"], entry["memory"]["uss_delta_bytes"]))
    per_task = {model: figures.slope_figure(points) for model, points in by_model.items()}
    per_task = {model: fit.value for model, fit in per_task.items() if fit is not None}
    return {model: (ns.get(model), per_task.get(model)) for model in list(ns) + [m for m in per_task if m not in ns]}


def section(results, out_dir):
    figures_ = floor_figures(results)
    native = [model for model in figures_ if model.startswith("cpp_") and model != "cpp_ucontext"]
    if not native:
        return ""
    plot, panels = lab_charts.plt.subplots(1, 2, figsize=(12, 0.45 * len(figures_) + 1.6), dpi=100, layout="constrained")
    models = sorted(figures_, key=lambda model: figures_[model][0] or float("inf"))
    floors = []
    for panel, index, label in ((panels[0], 0, "ns per hand-over"), (panels[1], 1, "bytes per suspended task")):
        shown = [model for model in models if figures_[model][index] and figures_[model][index] > 0]
        panel.barh(shown, [figures_[model][index] for model in shown],
                   color=[lab_charts.colour_for(model) for model in shown])
        floor = min((figures_[model][index] for model in native if figures_[model][index]), default=None)
        floors.append(floor)
        if floor:
            panel.axvline(floor, color="#c0504d", linestyle="--", linewidth=1)
        panel.set_xscale("log")
        panel.set_xlabel(label + " (log)")
        panel.invert_yaxis()
        panel.grid(True, axis="x", which="both", alpha=0.3)
    panels[0].set_title("one hand-over (pingpong_switch)")
    panels[1].set_title("one suspended task (USS slope, pingpong_tasks)")
    plot.savefig(out_dir / "floor.png", format="png")
    lab_charts.plt.close(plot)

    def ratio(value, floor):
        return f"{value / floor:,.1f}x" if value and floor else "-"

    rows = [(model, figures.number(ns) if ns else "-", ratio(ns, floors[0]), table.human_bytes(per_task),
             ratio(per_task, floors[1])) for model in models for ns, per_task in [figures_[model]]]
    alt = ("Two bar panels on log axes: ns per hand-over and bytes per suspended task for every model, "
           "the C++ rows' floor as a dashed line")
    return ("<h2 id='floor'>The native floor</h2>"
            + figure("floor.png", alt, "Each Python model beside the same game in C++; the dashed line is the "
                     "fastest or smallest native row (cpp_ucontext is shown but never the floor).", "chart-floor",
                     1200, int(45 * len(figures_) + 160))
            + html_table(("model", "ns per hand-over", "vs native", "bytes per suspended task", "vs native"), rows))
