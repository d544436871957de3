"""What every verb shares: its exit statuses, its refusals (UsageError: one line on
stderr, exit 2) and the parsing and checking of the options several verbs take.

The verbs (cli.py's `list` and `run`, pythons.py, serve.py, sweep.py, lab/sweeps.py)
import from here and never from each other, so none reaches back into the front door.
Which of the models asked for a run takes is fiberlab/selection.py's job, not this module's.
"""

import argparse
import dataclasses
import os
import tempfile

import scenarios
from fiberlab import fd_budget, interpreters, output, timing_plan
from fiberlab.models import MODELS, ExtraModelsError, all_models
from scenarios.spec import ParamError, resolve

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input from the user; the message is the one line we print."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def add_run_options(parser):
    parser.add_argument("--models", default=",".join(all_models_public()), help="comma-separated model ids")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="set a parameter")
    add_plan_options(parser, "default")
    parser.add_argument("--timeout", default="300", help="seconds one worker run may take (default 300)")
    parser.add_argument("--memory-limit", metavar="MIB",
                        help="cap each worker's address space; a model that exceeds it fails with MemoryError")
    parser.add_argument("--json", metavar="PATH", help="write the result as JSON to PATH")
    parser.add_argument("--pyperf", metavar="PATH",
                        help="also write the timings as a pyperf BenchmarkSuite to PATH (python -m pyperf stats PATH)")
    parser.add_argument("--trace", action="store_true", help="print every switch as [who] from -> to (small sizes)")
    add_table_options(parser)
    add_gc_option(parser)
    add_python_option(parser)


def add_table_options(parser):
    """--wide and --format, shared by run and sweep (fiberlab/table.py prints what they ask)."""
    parser.add_argument("--wide", action="store_true",
                        help="every column and note (the default table is compact: it fits 100 columns)")
    parser.add_argument("--format", choices=("text", "md", "csv"), default="text",
                        help="text (default), or the table as Markdown or CSV, to paste or parse")


def add_plan_options(parser, default):
    """--fast / --rigorous / --repeat / --values, shared by run and sweep; read them with parse_plan()."""
    plans = parser.add_mutually_exclusive_group()
    plans.add_argument("--fast", dest="plan", action="store_const", const="fast", default=default,
                       help="1 timed process x 9 values per model: quick, less precise (as many values as the default, so pyperf compare_to takes both)")
    plans.add_argument("--rigorous", dest="plan", action="store_const", const="rigorous",
                       help="6 timed processes x 5 values per model, every value at the requested size: slower, "
                            "more precise")
    parser.add_argument("--repeat", metavar="N",
                        help=f"timed worker processes per model (1..100; the plan's: fast 1, default 3, rigorous 6; "
                             f"this command's plan: {default})")
    parser.add_argument("--values", metavar="K",
                        help="values each timed process takes after its warm-up (1..100; fast 9, default 3, rigorous 5)")


def add_gc_option(parser):
    """--gc on|off, shared by run and sweep; recorded as the result's top-level "gc"."""
    parser.add_argument("--gc", choices=("on", "off"), default="on",
                        help="the garbage collector in every worker: on (default, as users run) or off "
                             "(gc.disable() before the run); time in collections is reported either way")


def add_python_option(parser):
    """--python, shared by every verb that runs workers (run, sweep); read it with parse_pythons()."""
    parser.add_argument("--python", action="append", default=[], metavar="SPEC",
                        help="run the workers on this interpreter too: a version (3.12) or a path; repeatable or "
                             "comma-separated; each gets its own venv in .venv-pythons/ (made once)")


def all_models_public():
    return list(MODELS)


def parse_int(text, option, low, high):
    digits = text.strip().lstrip("+-").replace("_", "")
    if digits.isdigit() and len(digits) > 18:  # past int()'s digit limit it would say "not an integer"
        raise UsageError(f"{option} must be between {low} and {high}, got a {len(digits):,}-digit number")
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{option} must be an integer, got {text!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{option} must be between {low} and {high}, got {value}")
    return value


def parse_models(text):
    known = known_models()
    ids = [item.strip() for item in text.split(",")]
    if not text.strip() or not all(ids):
        raise UsageError(f"--models needs comma-separated model ids, got {text!r}")
    for model_id in ids:
        if model_id not in known:
            raise UsageError(f"unknown model {model_id!r} (known: {', '.join(all_models_public())})")
    if len(set(ids)) != len(ids):
        raise UsageError(f"--models names a model twice: {text!r}")
    return ids


def known_models():
    """all_models(), with a bad $FIBERLAB_EXTRA_MODELS as a one-line refusal."""
    try:
        return all_models()
    except ExtraModelsError as exc:
        raise UsageError(str(exc)) from None


def parse_scenarios(name):
    if name == "all":
        return scenarios.names()
    if name not in scenarios.names():
        raise UsageError(f"unknown scenario {name!r} (known: {', '.join(scenarios.names())}, all)")
    return [name]


def check_writable(path):
    """How --json PATH will be written (fiberlab.output.json_target), or None without --json; refuses bad ones."""
    if path is None:
        return None
    try:
        return output.json_target(path)
    except output.BadTarget as exc:
        raise UsageError(str(exc)) from None


def check_pyperf_path(path):
    """--pyperf PATH as an absolute path, a symlink's target (None without it): a regular file,
    or none yet, in a folder we can write (pyperf writes it by name, and the file is replaced
    through a rename); refuses anything else, a device or a pipe above all, which a rename
    would replace."""
    if path is None:
        return None
    try:
        real = os.path.realpath(output.absolute(path, "--pyperf"))
    except output.BadTarget as exc:
        raise UsageError(str(exc)) from None
    if os.path.isdir(real):
        raise UsageError(f"--pyperf {path!r} is a directory, not a file")
    if os.path.exists(real) and not os.path.isfile(real):
        raise UsageError(f"--pyperf {path!r} is not a regular file (a device or a pipe); pyperf writes a file "
                         "by name, so it is refused rather than replaced")
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise UsageError(f"--pyperf {path!r}: no folder {folder!r}")
    try:  # try, rather than ask os.access: root passes every permission check, yet cannot write in /proc
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".fiberlab-check-"):
            pass
    except OSError:
        raise UsageError(f"--pyperf {path!r}: cannot write in {folder!r}") from None
    return real


def write_json(target, data):
    """fiberlab.output.write_json: atomic over a regular file, through a stream; a failed write is a UsageError."""
    try:
        output.write_json(target, data)
    except output.WriteFailed as exc:
        raise UsageError(str(exc)) from None


def parse_params(spec, name, assignments):
    try:
        return resolve(spec, name, assignments)
    except ParamError as exc:
        raise UsageError(str(exc)) from None


def fit_fd_budget(name, spec, params, assignments):
    """Params that fit under the open-file limit (split chosen if need be, and
    said in one line), or a refusal before anything runs."""
    split_given = any(assignment.partition("=")[0] == fd_budget.SPLIT for assignment in assignments)
    try:
        params, note = fd_budget.fit(spec, params, split_given)
    except fd_budget.DoesNotFit as exc:
        raise UsageError(f"{name}: {exc}") from None
    if note:
        output.emit(f"{name}: {note}")
    return params


def parse_plan(args):
    """The timing plan (fiberlab.timing_plan.Plan) the options ask for: --fast/--rigorous or the
    command's default, with --repeat (processes) and --values overriding its counts."""
    plan = timing_plan.PLANS[args.plan]
    if args.repeat is not None:
        plan = dataclasses.replace(plan, processes=parse_int(args.repeat, "--repeat", 1, 100))
    if args.values is not None:
        plan = dataclasses.replace(plan, values=parse_int(args.values, "--values", 1, 100))
    return plan


def parse_run_options(args):
    """The checked common options: (model_ids, plan, timeout). Refuses bad ones."""
    model_ids = parse_models(args.models)
    plan = parse_plan(args)
    timeout = parse_int(args.timeout, "--timeout", 1, 86_400)
    args.json_target = check_writable(args.json)
    args.pyperf = check_pyperf_path(args.pyperf)
    if args.json_target and args.pyperf and args.json_target == ("replace", os.path.realpath(args.pyperf)):
        raise UsageError(f"--json and --pyperf name the same file {args.json!r}")
    return model_ids, plan, timeout


def parse_memory_limit(text):
    """--memory-limit MIB as bytes, or None. A worker with gevent loaded maps
    about 30 MiB before any model runs, so less than 64 would only mean that
    every model fails at start-up."""
    if text is None:
        return None
    return parse_int(text, "--memory-limit", 64, 1 << 20) * 2**20


def parse_pythons(values, progress):
    """--python values as prepared Interpreters (each with its venv), or None when none was given.

    Every SPEC is looked for before any venv is built, so a typo fails at once."""
    specs = [item.strip() for value in values for item in value.split(",")]
    if not specs:
        return None
    if not all(specs):
        raise UsageError(f"--python needs versions or paths, comma-separated, got {','.join(values)!r}")
    try:
        found = [interpreters.find(spec) for spec in specs]
    except interpreters.NotFound as exc:
        raise UsageError(str(exc)) from None
    versions = [one.version for one in found]
    for version in versions:
        if versions.count(version) > 1:
            raise UsageError(f"--python names Python {version} twice ({', '.join(specs)}); one venv per version")
    try:
        prepared = [interpreters.prepare(one, progress) for one in found]
    except interpreters.InstallFailed as exc:
        raise UsageError(str(exc)) from None
    progress.clear()
    return prepared
