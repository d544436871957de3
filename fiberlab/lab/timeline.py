"""Switch timelines: who runs when, one picture per (scenario, model), from --trace's own events.

record() runs each small scene below once per model in a traced worker (the
same worker and the same switch events as `fiberlab run ... --trace`) and
writes results/timelines.json:
  {"command", "scenes": {scenario: {"params", "models": {model: {"status", "error", "switches": [[from, to], ...]}}}}}
section() draws one PNG per (scenario, model) from that file and returns the
report's HTML for them. A timeline has a lane per task and one for whatever
control passes through (our scheduler's root greenlet, gevent's hub, the
event loop, the kernel), a mark each time control moves, and a bar for who
runs between marks; a direct switch (task to task) and a trip through the
loop or hub are drawn in different colours, so the two are told apart at a glance.
"""

import html

import matplotlib

matplotlib.use("Agg")  # files only, no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

import scenarios  # noqa: E402
from fiberlab import pipeline  # noqa: E402
from scenarios.common import digest  # noqa: E402

SCENES = {  # small on purpose: every switch gets a mark a reader can follow
    "pingpong": {"rounds": 5, "pairs": 2},
    "deep_chain": {"depth": 3, "suspensions": 3, "tasks": 2},
}
MODELS = ("greenlet", "gevent", "asyncio", "coroutines", "threads")
SCHEDULER_LANES = {"root": "root (our scheduler's loop)", "hub": "hub (gevent)", "loop": "loop",
                   "kernel": "kernel (OS scheduler)"}
ROOT_ON_GEVENT = "root (the caller, before the hub)"  # gevent's own loop is the hub; root only starts it
TIMEOUT_S = 60
DIRECT, THROUGH = "#2b8a3e", "#d9480f"  # task to task; into or out of the loop, hub or kernel
SIZE = (7.2, 3.4)  # every timeline the same size (inches at 100 dpi), so lane labels read the same everywhere


def rerun(scenario, model):
    params = " ".join(f"--param {name}={value}" for name, value in SCENES[scenario].items())
    return f"python -m fiberlab run {scenario} {params} --models {model} --trace"


def trace_one(scenario, model):
    """One traced worker run; its switches, or why there are none."""
    spec = scenarios.load(scenario)
    params = {param.name: param.default for param in spec.PARAMS}
    params.update(SCENES[scenario])
    job = {"scenario": scenario, "model": model, "params": params, "pass": "check", "trace": True}
    outcome = pipeline.run_worker(job, TIMEOUT_S)
    if not outcome.ok:
        return {"status": outcome.status, "error": outcome.error, "switches": []}
    if outcome.digest != digest(spec.reference(params)):
        return {"status": "mismatch", "error": "result differs from the reference", "switches": []}
    return {"status": "ok", "error": None, "switches": outcome.switches or []}


def record(models=MODELS):
    """{"scenes": ...} for every scene whose scenario exists, every model of MODELS asked for."""
    chosen = [model for model in MODELS if model in models]
    scenes = {}
    for scenario in SCENES:
        if scenario in scenarios.names():
            scenes[scenario] = {"params": SCENES[scenario],
                                "models": {model: trace_one(scenario, model) for model in chosen}}
    return {"command": "make sweep SWEEPS=timelines", "scenes": scenes}


def lanes(switches):
    """Lane names bottom to top: the scheduler lanes first, then tasks in order of appearance."""
    seen = []
    for pair in switches:
        for name in pair:
            if name not in seen:
                seen.append(name)
    return [name for name in seen if name in SCHEDULER_LANES] + [name for name in seen if name not in SCHEDULER_LANES]


def counts(switches):
    through = sum(origin in SCHEDULER_LANES or target in SCHEDULER_LANES for origin, target in switches)
    return len(switches) - through, through


def draw(path, scenario, model, switches, kernel_scheduled=False):
    """One timeline PNG at `path`. x: the n-th switch; y: a lane per task, scheduler lanes at the bottom."""
    names = lanes(switches)
    row = {name: index for index, name in enumerate(names)}
    figure, axes = plt.subplots(figsize=SIZE, dpi=100, layout="constrained")
    for step, (origin, target) in enumerate(switches):
        direct = origin not in SCHEDULER_LANES and target not in SCHEDULER_LANES
        colour = DIRECT if direct else THROUGH
        axes.annotate("", xy=(step, row[target]), xytext=(step, row[origin]),
                      arrowprops={"arrowstyle": "->", "color": colour, "lw": 1.2})
        axes.plot([step], [row[target]], marker="o", markersize=3.5, color=colour)
        if not kernel_scheduled:  # threads: the kernel may run two between marks, so no "who runs" bar
            axes.plot([step, step + 1], [row[target], row[target]], color="#4a7ab5", lw=4, alpha=0.45,
                      solid_capstyle="butt")
    labels = {**SCHEDULER_LANES, **({"root": ROOT_ON_GEVENT} if model == "gevent" else {})}
    axes.set_yticks(range(len(names)), [labels.get(name, name) for name in names])
    axes.set_ylim(-0.6, len(names) - 0.4)
    axes.set_xlim(-0.8, max(1, len(switches)) + 0.3)
    axes.set_xlabel("switch number (order of events, not time)")
    axes.set_title(f"{scenario} on {model}", fontsize=10)  # short, so it is never cut; the counts are in the caption
    axes.plot([], [], color=DIRECT, label="direct: task to task")
    axes.plot([], [], color=THROUGH, label="through the loop, hub or kernel")
    if not kernel_scheduled:
        axes.plot([], [], color="#4a7ab5", lw=4, alpha=0.45, label="runs")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    axes.grid(True, axis="x", alpha=0.2)
    figure.savefig(path, format="png")
    plt.close(figure)
    return path.name


def section(timelines, out_dir):
    """The report's HTML for results/timelines.json (already loaded), PNGs written into out_dir."""
    if not timelines or not timelines.get("scenes"):
        return ""
    parts = ["<h2 id='timelines'>Who runs when: switch timelines</h2>",
             "<p>Each picture is one small traced run: a lane per task, one for what control passes through "
             "(our scheduler's root greenlet, gevent's hub, the event loop, the kernel), a mark each time control "
             "moves. Green is a direct switch from task to task; orange goes into or out of the loop, hub or "
             "kernel. Threads are traced where they wait (os_threads.block): a switch the GIL forces in running "
             f"code is not seen. Rerun: <code>{html.escape(timelines.get('command', ''))}</code></p>"]
    for scenario, scene in timelines["scenes"].items():
        setting = ", ".join(f"{name}={value}" for name, value in scene["params"].items())
        parts.append(f"<details><summary>{html.escape(scenario)} ({html.escape(setting)}): one timeline per model"
                     "</summary><div class='charts'>")
        notes = []
        for model, run in scene["models"].items():
            if run["status"] != "ok" or not run["switches"]:
                notes.append(f"{model}: {run['status']}: {run.get('error') or 'no switches recorded'}")
                continue
            name = draw(out_dir / f"timeline_{scenario}_{model}.png", scenario, model, run["switches"],
                        kernel_scheduled=model == "threads")
            direct, through = counts(run["switches"])
            middle = [SCHEDULER_LANES[lane] for lane in lanes(run["switches"]) if lane in SCHEDULER_LANES]
            words = (f"{model}: {len(run['switches'])} switches, {direct} direct from task to task and {through} "
                     f"through {', '.join(middle) or 'a scheduler'}.")
            alt = (f"Switch timeline of {scenario} ({setting}) on {model}: a lane per task, a mark each time "
                   f"control moves; {direct} direct switches and {through} through the scheduler")
            parts.append(f"<figure class='chart'><img src='{html.escape(name)}' alt='{html.escape(alt)}' "
                         f"width='720' height='340' title='{html.escape(rerun(scenario, model))}'><figcaption>"
                         f"{html.escape(words)}</figcaption></figure>")
        parts.append("</div></details>")
        if notes:
            parts.append("<ul>" + "".join(f"<li>{html.escape(note)}</li>" for note in notes) + "</ul>")
    return "".join(parts)

