"""The command line: `python -m fiberlab VERB ...`.

Every refusal is one line on stderr and exit status 2 (raise UsageError); a
run exits 0 when every model is ok and matches the reference, 1 otherwise;
a model whose status is "unsupported" (it cannot express the run: a stackless
model suspending through a C frame) does not fail the run, but at least one
model must have run ok.
`list` and `run` live here; another verb is a module that defines
`add_parser(verbs)` and `main(args)`, listed in VERB_MODULES.
"""

import importlib
import importlib.metadata

import scenarios
from fiberlab import output, pipeline, pyperf_file, table, stopping
from fiberlab.options import (EXIT_FAILED, EXIT_OK, EXIT_USAGE, Parser, UsageError, add_run_options, all_models_public,
                              fit_fd_budget, known_models, parse_memory_limit, parse_params, parse_pythons,
                              parse_run_options, parse_scenarios, write_json)
from fiberlab.selection import select_models
from fiberlab.result import Runs


VERB_MODULES = ["fiberlab.compare", "fiberlab.pythons", "fiberlab.serve", "fiberlab.sweep"]  # modules with add_parser(verbs) and main(args)


def build_parser():
    parser = Parser(prog="fiberlab", description="fiberlab: fibers and coroutines, measured side by side")
    parser.add_argument("--version", action="version", version=f"fiberlab {version()}")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=Parser)
    verbs.required = True
    verbs.add_parser("list", help="scenarios with their parameters, and the models").set_defaults(handler=cmd_list)
    run = verbs.add_parser("run", help="run a scenario (or all) on every model and compare")
    run.add_argument("scenario", help="scenario name, or 'all'")
    add_run_options(run)
    run.add_argument("--traced", action="store_true",
                     help="also run each model once under tracemalloc (its peak goes to --json; the table "
                          "does not show it)")
    run.set_defaults(handler=cmd_run)
    for name in VERB_MODULES:
        module = importlib.import_module(name)
        module.add_parser(verbs).set_defaults(handler=module.main)
    return parser


def cmd_list(_args):
    for name in scenarios.names():
        spec = scenarios.load(name)
        output.emit(f"{name} — {spec.SUMMARY}")
        for param in spec.PARAMS:
            output.emit(f"  {param.name:<12} default {param.default!s:<10} {param.describe_limits():<22} {param.help}")
        for line in spec.MEASURED_LIMITS:
            output.emit(f"  {line}")
    output.emit("models, as a 2x2 (stack model x runtime):")
    models = list(known_models().values())
    for stack in ("stackful", "stackless"):
        for scheduler in ("own scheduler", "production runtime"):
            ids = [model.id for model in models if (model.stack, model.scheduler) == (stack, scheduler)]
            output.emit(f"  {stack:<10} {scheduler:<19} {', '.join(ids) or '-'}")
    others = [model for model in models if model.stack not in ("stackful", "stackless")
              or model.scheduler not in ("own scheduler", "production runtime")]
    for model in others:
        output.emit(f"  {model.id:<10} {model.stack}, {model.scheduler}")
    return EXIT_OK


def cmd_run(args):
    names = parse_scenarios(args.scenario)
    model_ids, plan, timeout = parse_run_options(args)
    memory_limit_bytes = parse_memory_limit(args.memory_limit)
    plans = [(name, scenarios.load(name)) for name in names]
    plans = [(name, spec, parse_params(spec, name, args.param)) for name, spec in plans]
    plans = [(name, spec, fit_fd_budget(name, spec, params, args.param)) for name, spec, params in plans]
    explicit_models = args.models != ",".join(all_models_public())
    selection = select_models(plans, model_ids, explicit_models, memory_limit_bytes)
    progress = table.Progress()
    pythons = parse_pythons(args.python, progress)
    for line in selection.notes():
        output.emit(line)
    options = pipeline.Options(plan=plan, timeout_s=timeout, trace=args.trace, memory_limit_bytes=memory_limit_bytes,
                               interpreters=tuple(pythons or ()), gc_mode=args.gc, traced=args.traced)
    for (name, spec, params), choice in zip(plans, selection.choices):  # the progress bar's total: every run
        progress.expect(pipeline.planned_steps(name, spec, params, list(choice.kept), options))
    results, write_failed = [], None
    try:
        for index, ((name, spec, params), choice) in enumerate(zip(plans, selection.choices), 1):
            for line in choice.notes():
                output.emit(line)
            result = pipeline.run_scenario(name, spec, params, list(choice.kept), options, progress)
            progress.clear()
            results.append(result)
            if index == len(plans):
                # Before the last table: whatever happens to stdout now, the measurements are on disk.
                write_failed = save_files(args, results)
            show(result, args, first=index == 1)  # a closed stdout silences it; the run goes on
    finally:
        progress.close()
    if len(results) > 1:
        for line in phase_lines(results):
            output.emit(line)
    if write_failed:  # the table is out; now the one line and exit 2 that a failed write earns
        raise UsageError(write_failed)
    return EXIT_OK if all(result.match for result in results) else EXIT_FAILED


def show(result, args, first):
    """One scenario's table as --format and --wide ask (fiberlab/table.py), on stdout."""
    if args.format == "text":
        output.emit(("" if first else "\n") + table.render(result, wide=args.wide))
    else:
        output.emit(("" if first else "\n") + table.export([result], args.format, wide=args.wide))


def phase_lines(results):
    """Where the time of a run of several scenarios went: one line per phase, summed over them,
    then one line with each scenario's share, the dearest first."""
    phases, by_scenario = {}, {}
    for result in results:
        for name, seconds in (result.phases_s or {}).items():
            phases[name] = phases.get(name, 0.0) + seconds
        by_scenario[result.scenario] = sum((result.phases_s or {}).values())
    total = sum(phases.values())
    if total <= 0:
        return []
    dearest = sorted(by_scenario.items(), key=lambda item: -item[1])
    return ([f"time: {name}: {seconds:,.1f} s ({seconds / total:.0%})" for name, seconds in phases.items()]
            + ["time by scenario: " + ", ".join(f"{name} {seconds:,.0f} s" for name, seconds in dearest)])


def save_files(args, results):
    """Write --json and --pyperf; None, or the first failure's one line (a full disk, say), so
    the caller still prints the table before it reports it."""
    failed = []
    if args.json_target:
        try:
            write_json(args.json_target, results[0].to_json() if len(results) == 1 else Runs(runs=results).to_json())
        except UsageError as exc:
            failed.append(str(exc))
    if args.pyperf:
        try:
            pyperf_file.write(args.pyperf, [(one, None) for one in results])
        except output.WriteFailed as exc:
            failed.append(str(exc))
    return "; ".join(failed) or None


def version():
    """The installed distribution's version (pyproject.toml), or "unknown" when run from a bare tree."""
    try:
        return importlib.metadata.version("fiberlab")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main(argv=None):
    """Exit status: 0 all ok, 1 a model failed, 2 bad input or the JSON could not be written,
    128 + N after stop signal N (SIGHUP, SIGINT, SIGQUIT, SIGTERM), its workers killed."""
    output.protect_streams()
    previous = stopping.install()
    try:
        args = build_parser().parse_args(argv)
        return args.handler(args)
    except UsageError as exc:
        output.say(f"fiberlab: {exc}")
        return EXIT_USAGE
    except stopping.Stopped as exc:
        output.say(f"fiberlab: {exc.message()}")
        return exc.exit_status
    except (MemoryError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and not output.out_of_resources(exc):
            raise
        output.say(f"fiberlab: {output.out_of_resources_line(exc)}")
        return EXIT_USAGE
    finally:
        stopping.restore(previous)
