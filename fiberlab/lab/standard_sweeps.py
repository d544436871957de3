"""The standard sweeps of the lab report: `python -m fiberlab.lab.standard_sweeps` (make sweep).

Each sweep runs one scenario at several values of one parameter, every point
through fiberlab.pipeline.run_scenario (the same pipeline as `fiberlab run`),
and writes results/<sweep>.json atomically: a LabSweep (fiberlab/result.py,
docs/result-schema.md), each point its value and its run's Result.
The measurements no scenario makes (fiberlab/lab/measures.py) go to
results/measures.json, and the traced runs of the switch timelines
(fiberlab/lab/timeline.py) to results/timelines.json. The report (fiberlab/lab/report.py) reads only results/.

A sweep whose scenario does not exist yet is skipped with a note, so the
report can be built from whatever scenarios are there.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

import scenarios
from fiberlab import fd_budget, native, output, pipeline, stopping, timing_plan
from fiberlab.lab import timeline as lab_timeline
from fiberlab.options import UsageError, parse_int, parse_models, write_json
from fiberlab.models import MODELS, all_models
from fiberlab.result import LabPoint, LabSweep

TIMEOUT_S = 600  # one worker run; the 50,000-pair point takes ~15 s on a quiet machine
UNTIL_FAILURE_BUDGET_S = 300  # an until-failure sweep stops stepping after this long, and says so
UNTIL_FAILURE_TIMEOUT_S = 120  # one worker run of such a sweep: a chain that slow counts as a failure


@dataclass(frozen=True)
class Sweep:
    name: str
    scenario: str
    axis: str  # the parameter that varies
    points: tuple
    tiny_points: tuple
    fixed: dict = field(default_factory=dict)  # parameters held constant
    tiny_fixed: dict = field(default_factory=dict)
    plan: str = "default"  # fiberlab.timing_plan.PLANS; values always at the point's own size
    memory_slope: bool = False  # the pipeline's own two-count slope runs at each point
    purpose: str = ""
    memory_passes: bool = True  # False: no tracemalloc run (a size where it would take minutes)
    until_failure: bool = False  # step up the axis, each model only until its first failure


SWEEPS = (
    Sweep("generator", "generator", "items", (1_000, 100_000), (50,),
          purpose="cost of one lazy hand-over; memory does not grow with the items"),
    Sweep("pingpong_switch", "pingpong", "pairs", (1,), (1,), {"rounds": 100_000}, {"rounds": 200},
          memory_slope=True, purpose="cost of one switch: a round trip is two hand-overs"),
    # Memory is what matters here: few rounds, one timed run, the fit across points is the slope.
    Sweep("pingpong_tasks", "pingpong", "pairs", (1, 10, 100, 1_000, 10_000, 50_000), (1, 20),
          {"rounds": 4}, {"rounds": 4}, plan="fast", purpose="memory per idle suspended task against task count"),
    # Few suspensions: asyncio re-enters every level per resume, so depth 10,000 costs 10,000 frames each.
    # 2,000 suspensions: ns per op is the resume alone (building and unwinding the chain are timed
    # apart and taken off: scenarios/spec.py MARGINAL), and 2,000 of them stand well out of the noise
    # of the build and unwind they are taken from, which at depth 10,000 is most of a run.
    # Slope runs at every depth: every model gets the same quantity at every depth (bytes held per
    # suspended task, which claim 11 also reads); deep_chain.slope_counts keeps them near a million frames.
    Sweep("deep_chain_depth", "deep_chain", "depth", (1, 10, 100, 1_000, 10_000), (3, 30),
          {"suspensions": 2_000, "tasks": 1}, {"suspensions": 10, "tasks": 1}, memory_slope=True,
          purpose="resume cost and bytes held per suspended task against call-chain depth"),
    # The price of a suspended task alone (no partner, no channel): the slope runs at each point.
    Sweep("idle", "idle", "tasks", (1_000, 10_000), (20, 200), plan="fast", memory_slope=True,
          purpose="bytes per idle suspended task and the time to create one, against task count"),
    # Claim 10: how deep each model gets. Few suspensions, one run: the question is whether it finishes.
    Sweep("deep_chain_limit", "deep_chain", "depth", (1_000, 10_000, 20_000, 30_000, 50_000, 100_000), (3, 30),
          {"suspensions": 3, "tasks": 1}, {"suspensions": 3, "tasks": 1}, plan="check", memory_passes=False,
          until_failure=True, purpose="the deepest chain each model completes, stepping depth up until it fails"),
    # Claim 12: a million leaves (1,111,111 tasks) per model; did it finish, at what peak memory.
    Sweep("spawn_million", "spawn", "leaves", (1_000_000,), (1_000,), plan="check", memory_passes=False,
          purpose="a tree of a million leaves: does each model finish, at what peak RSS"),
    # via=c beside deep_chain_depth's via=python: the report draws both. Stackless models are
    # "unsupported" at every point (they cannot suspend through a C frame), which costs one worker run each.
    Sweep("deep_chain_via_c", "deep_chain", "depth", (1, 10, 100, 1_000), (3, 30),
          {"suspensions": 2_000, "tasks": 1, "via": "c"}, {"suspensions": 10, "tasks": 1, "via": "c"},
          purpose="resume cost and C stack copied per switch when each level calls the next through C"),
    # Two tiny depths at least: the cost per level is the slope across them (questions.unwinding).
    Sweep("cancel_depth", "cancel", "depth", (1, 10, 50, 200), (3, 6), {"tasks": 1_000}, {"tasks": 4, "timeout_ms": 1.0},
          purpose="unwinding cost per level and cancel-to-end latency against chain depth"),
    Sweep("fairness_slice", "fairness", "slice_ms", (0.1, 1.0, 5.0, 20.0, 50.0), (1.0,), {},
          {"tickers": 2, "ticks": 3, "period_ms": 1.0},
          purpose="wake-up lateness against how long one task computes without yielding"),
    Sweep("connections", "connections", "connections", (100, 1_000, 10_000), (8,),
          {"messages": 10, "size": 1_024}, {"messages": 2, "size": 64}, plan="fast",
          purpose="messages per second, p99 latency and memory per connection against connections"),
    # The web-service question (the report's http section and its row in the choosing table). As in
    # connections, the largest point needs split mode, so every point runs split (one layout).
    Sweep("http", "http", "connections", (100, 1_000, 10_000), (8,), {"requests": 10}, {"requests": 2},
          plan="fast", purpose="requests per second and latency per model against keep-alive connections, "
          "every model parsing with h11"),
)
SWEEP_NAMES = [sweep.name for sweep in SWEEPS]
EXTRAS = ["measures", "timelines"]  # steps that are not sweeps of a scenario


class Bar:
    """The pipeline's progress interface (call, print, clear) on a tqdm bar.
    The pipeline announces each worker run as it starts, so a step is a run started."""

    def __init__(self, total):
        self.bar = tqdm(total=total, unit="run", dynamic_ncols=True, file=sys.stderr)

    def __call__(self, text):
        self.bar.update(1)
        self.bar.set_postfix_str(text)

    def print(self, text):
        self.bar.write(text)

    def clear(self):
        pass

    def close(self):
        self.bar.close()


def sweep_points(sweep, spec, tiny):
    """{value: params} for every point, all in one layout: if the largest point must
    run split (clients in a process of their own), every point runs split."""
    values = sweep.tiny_points if tiny else sweep.points
    points = fd_budget.one_layout([point_params(sweep, spec, value, tiny) for value in values])
    return dict(zip(values, points))


def point_params(sweep, spec, value, tiny):
    params = {param.name: param.default for param in spec.PARAMS}
    params.update(sweep.tiny_fixed if tiny else sweep.fixed)
    params[sweep.axis] = value
    for param in spec.PARAMS:
        param.check(params[param.name])
    params, _note = fd_budget.fit(spec, params, split_given=False)  # split=true where one process cannot hold it
    return params


def sweep_plan(sweep, tiny):
    """The sweep's timing plan, chosen here explicitly: its own (fast when tiny, unless it is
    "check"), every value at the point's own size (timing_plan.plan_for_sweep)."""
    name = "fast" if tiny and sweep.plan != "check" else sweep.plan
    return timing_plan.plan_for_sweep(timing_plan.PLANS[name])


def point_options(sweep, plan):
    """How each point of `sweep` is run. Without its own slope runs a point is quicker; the sweep
    fits memory across its points."""
    return pipeline.Options(plan=plan, timeout_s=UNTIL_FAILURE_TIMEOUT_S if sweep.until_failure else TIMEOUT_S,
                            memory_passes=sweep.memory_passes, slope_runs=sweep.memory_slope)


def runs_per_point(sweep, spec, params, plan, models):
    """The progress steps of one point (pipeline.planned_steps: compiles, checks, memory runs,
    timed and shared processes)."""
    return pipeline.planned_steps(sweep.scenario, spec, params, models, point_options(sweep, plan))


def rerun_command(sweep, tiny):
    return "make sweep SWEEPS=" + sweep.name + (" ARGS=--tiny" if tiny else "")


def run_point(sweep, spec, value, models, plan, tiny, bar):
    params = sweep_points(sweep, spec, tiny)[value]  # in the layout of the whole sweep
    result = pipeline.run_scenario(sweep.scenario, spec, params, models, point_options(sweep, plan), bar)
    return LabPoint(value=value, result=result)


def run_until_failure(sweep, spec, values, models, plan, tiny, bar):
    """Points in order, each with only the models that have not failed yet; stops
    when every model has failed or the time budget is spent (the data says which)."""
    points, alive, started = [], list(models), time.perf_counter()
    for value in values:
        if not alive:
            break
        if time.perf_counter() - started > UNTIL_FAILURE_BUDGET_S:
            return points, f"stopped before {sweep.axis}={value:,}: time budget of {UNTIL_FAILURE_BUDGET_S} s spent"
        point = run_point(sweep, spec, value, alive, plan, tiny, bar)
        points.append(point)
        alive = [model for model in alive if point.result.models[model].ok]
    return points, None


def models_written_for(scenario, models):
    """The models that have a file in this scenario's folder (a model may cover only some scenarios)."""
    known = all_models()
    # A native model (C++) is left out where no compiler is: `fiberlab run` says why in one line.
    return [model for model in models if known[model].has_file(scenario)
            and not (known[model].native and native.unavailable())]


def run_sweep(sweep, models, out_dir, tiny, jobs, bar):
    spec = scenarios.load(sweep.scenario)
    models = models_written_for(sweep.scenario, models)
    plan = sweep_plan(sweep, tiny)
    values = sweep.tiny_points if tiny else sweep.points
    stopped = None
    if sweep.until_failure:
        points, stopped = run_until_failure(sweep, spec, values, models, plan, tiny, bar)
    else:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            points = list(pool.map(lambda value: run_point(sweep, spec, value, models, plan, tiny, bar), values))
    data = LabSweep(sweep=sweep.name, scenario=sweep.scenario, axis=sweep.axis, purpose=sweep.purpose,
                    command=rerun_command(sweep, tiny), plan=plan.name, repeat=max(1, plan.processes * plan.values),
                    tiny=tiny, points=points, stopped=stopped)
    write_json(out_dir / f"{sweep.name}.json", data.to_json())


def run_measures(out_dir, tiny):
    command = [sys.executable, "-m", "fiberlab.lab.measures"] + (["--tiny"] if tiny else [])
    proc = stopping.start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = proc.communicate()
    except BaseException:
        stopping.kill_group(proc)  # a stop signal: its group goes with us
        proc.wait()
        raise
    finally:
        stopping.forget(proc)
    if proc.returncode != 0:
        last = (stderr.strip().splitlines() or ["no output"])[-1][:300]
        raise UsageError(f"the measures failed (exit status {proc.returncode}): {last}")
    measures = json.loads(stdout)
    measures["command"] = "make sweep SWEEPS=measures" + (" ARGS=--tiny" if tiny else "")
    write_json(out_dir / "measures.json", measures)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.standard_sweeps", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--out", default="results", help="folder for the JSON results (default results)")
    parser.add_argument("--only", default=None, help="comma-separated sweeps (" + ", ".join(SWEEP_NAMES + EXTRAS) + ")")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated model ids")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, one timed run: checks the report, not the machine")
    parser.add_argument("--jobs", default="1", help="points run at once (1 for timings you believe)")
    return parser.parse_args(argv)


def main(argv=None):
    """Exit status: 0 done, 2 bad input or a result that could not be written,
    128 + N after stop signal N (its workers killed, no temporary file left)."""
    output.protect_streams()
    previous = stopping.install()
    try:
        return sweep_all(argv)
    except UsageError as exc:
        output.say(f"standard_sweeps: {exc}")
        return 2
    except stopping.Stopped as exc:
        output.say(f"standard_sweeps: {exc.message()}")
        return exc.exit_status
    finally:
        stopping.restore(previous)


def sweep_all(argv):
    args = parse_args(argv)
    models = parse_models(args.models)
    jobs = parse_int(args.jobs, "--jobs", 1, 8)
    only = [name.strip() for name in (args.only or "").split(",") if name.strip()]
    if args.only is not None and not only:  # --only '' (an empty SWEEPS=) must not mean "every sweep"
        raise UsageError("--only needs at least one sweep name")
    for name in only:
        if name not in SWEEP_NAMES + EXTRAS:
            raise UsageError(f"unknown sweep {name!r} (known: {', '.join(SWEEP_NAMES + EXTRAS)})")
    out_dir = Path(args.out)
    if not out_dir.parent.is_dir():
        raise UsageError(f"--out {args.out!r}: no folder {str(out_dir.parent)!r}")
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"--out {args.out!r} is a file, not a folder")
    try:
        out_dir.mkdir(exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {args.out!r}: cannot make the folder: {exc.strerror}") from None
    try:  # try, rather than ask os.access: root passes every permission check on a read-only mount
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".fiberlab-check-"):
            pass
    except OSError as exc:
        raise UsageError(f"--out {args.out!r}: cannot write in it: {exc.strerror}") from None
    chosen = [sweep for sweep in SWEEPS if not only or sweep.name in only]
    present = [sweep for sweep in chosen if sweep.scenario in scenarios.names()]
    for sweep in chosen:
        if sweep not in present:
            output.say(f"standard_sweeps: skipping {sweep.name}: no scenario {sweep.scenario!r} yet")
    started = time.perf_counter()
    if not only or "measures" in only:
        output.say("standard_sweeps: measures (bare coroutine, generator memory, recursion depth)")
        run_measures(out_dir, args.tiny)
    if not only or "timelines" in only:
        print("standard_sweeps: timelines (one small traced run per scene and model)", file=sys.stderr)
        write_json(out_dir / "timelines.json", lab_timeline.record(models))
    total = 0
    for sweep in present:
        spec = scenarios.load(sweep.scenario)
        for params in sweep_points(sweep, spec, args.tiny).values():
            total += runs_per_point(sweep, spec, params, sweep_plan(sweep, args.tiny),
                                    models_written_for(sweep.scenario, models))
    bar = Bar(total)
    try:
        for sweep in present:
            run_sweep(sweep, models, out_dir, args.tiny, jobs, bar)
    finally:
        bar.close()
    output.say(f"standard_sweeps: {len(present)} sweeps into {out_dir}/ in {time.perf_counter() - started:.0f} s")
    return 0

if __name__ == "__main__":
    sys.exit(main())
