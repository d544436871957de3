"""Every command README.md and docs/*.md show works, so none can go stale silently.

Each command (tests/doc_commands.py finds them: the lines of the pages' shell blocks) is
checked twice:
- accepted: what it runs is given, in this process, to the real entry point
  (fiberlab.cli.main, or the main(argv) of a lab module such as the standard sweeps) with
  the work itself replaced by stubs, so every option, scenario, parameter name and value, model and sweep name goes
  through the real parsers and refusals, whatever the size; a file it names must exist;
  and its launcher must work from a fresh clone (.venv/bin/..., make), not only inside an
  activated venv;
- run: from the repository, as a user would, with what it writes sent to a fresh folder
  (--json, --pyperf, --out, --results, *.json), at a tiny size for `fiberlab run` and
  `fiberlab sweep` (doc_commands.tiny). Not run, and said why: every scenario on every
  model (`all`), other interpreters (`--python`, `pythons`: a venv per version), the
  lab's long runs (the standard sweeps: the report's tests run them at --tiny) and the
  test suite itself.
  `serve` is started, must print its address, and must stop with exit 0 on SIGTERM;
  `make report` reads a synthetic results folder holding only the measures
  (tests/lab_results.py): the report's own tests read the whole of it.
The commands of one code block run in order in one folder (a pyperf file, then pyperf
reading it); the blocks run two at a time.
"""

import importlib
import os
import re
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import scenarios
from fiberlab import cli, interpreters, pipeline, serve, stopping
from fiberlab.lab import standard_sweeps
from fiberlab.models import MODELS
from tests import doc_commands, lab_results
from tests.doc_commands import REPO, Command, Invocation

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
DEFAULT_MODEL = doc_commands.first_model(",".join(MODELS), None)
OUTPUT_OPTIONS = ("--json", "--pyperf", "--out", "--results")
STREAMS = re.compile(r"^(-|/dev/.*|/proc/self/fd/\d+)$")
RUN_TIMEOUT_S = 120
REPORT = "fiberlab.lab.report"


def page_commands():
    commands, problems = [], []
    for page in PAGES:
        found, wrong = doc_commands.find(page.read_text(), doc_commands.relative(page))
        commands += found
        problems += wrong
    return commands, problems


COMMANDS, UNKNOWN_LINES = page_commands()


class Reached(Exception):
    """The command passed every check of its entry point and got to the work itself."""


def reached(*_args, **_kwargs):
    raise Reached


def fake_find(spec, real=interpreters.find):
    """A well-formed version is taken as found (the test machine need not have every Python
    the pages name); a path, or anything else, goes to the real finder."""
    if interpreters.VERSION_SPEC.match(spec.strip()):
        return interpreters.Interpreter(spec, f"python{spec}", spec.strip())
    return real(spec)


def fake_prepare(interpreter, progress=None):
    interpreter.python = interpreter.base
    interpreter.environment = {"python": interpreter.version, "greenlet": "-", "gevent": "-"}
    return interpreter


def real_server_then_stop(scenario, model_id, real=serve.find_server):
    model, _serve_forever = real(scenario, model_id)
    return model, reached


@pytest.fixture
def stubbed(monkeypatch, tmp_path):
    """The entry points with their work replaced by `reached`, in a fresh working folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(pipeline, "run_scenario", reached)
    monkeypatch.setattr(interpreters, "find", fake_find)
    monkeypatch.setattr(interpreters, "prepare", fake_prepare)
    monkeypatch.setattr(serve, "find_server", real_server_then_stop)
    monkeypatch.setattr(standard_sweeps, "run_measures", lambda out_dir, tiny: None)
    monkeypatch.setattr(standard_sweeps.lab_timeline, "record", lambda models: {})
    monkeypatch.setattr(standard_sweeps, "run_sweep", lambda *args: None)
    return monkeypatch


def launcher_problem(inv):
    launcher = inv.argv[0]
    if launcher in ("fiberlab", "python", "python3"):
        return f"`{launcher}` works only inside an activated venv; a fresh clone has .venv/bin/{launcher}"
    if launcher.startswith(".venv/bin/") and not local_bin(launcher).exists():
        return f"{launcher} is not made by make's set-up"
    return None


def local_bin(launcher):
    """.venv/bin/NAME of the repository, or NAME beside this interpreter (a venv made elsewhere)."""
    made = REPO / launcher
    return made if made.exists() else Path(sys.executable).parent / Path(launcher).name


def entry_point(inv):
    """Whether INV is `python -m` a module of the lab with a main(argv) to check it by (the
    standard sweeps, say); the report is run instead, on a results folder of its own."""
    return (inv.module or "").startswith("fiberlab.") and inv.module != REPORT


def accepted(inv, stubbed, capsys):
    """None if the entry point INV reaches accepts it, else why not (its one line)."""
    problem = launcher_problem(inv)
    if problem:
        return problem
    for key, value in inv.env.items():
        if key != stopping.STOP_WITH_PARENT_ENV:  # it would tie this test process to make's life
            stubbed.setenv(key, value)
    capsys.readouterr()
    args = inv.fiberlab_args
    try:
        if args is not None:
            code = cli.main(list(args))
        elif entry_point(inv):
            code = importlib.import_module(inv.module).main(list(inv.module_args))
        elif inv.argv[0] == "mkdir":
            os.makedirs(inv.argv[2], exist_ok=True)
            return None
        elif inv.argv[0] == "diff" or (inv.module is None and inv.argv[1].endswith(".py")):
            files = inv.argv[1:3] if inv.argv[0] == "diff" else inv.argv[1:2]
            missing = [name for name in files if not (REPO / name).is_file()]
            return f"no such file: {', '.join(missing)}" if missing else None
        else:
            return None  # pyperf, the report, ruff, pytest: running them says whether they work
    except Reached:
        return None
    except SystemExit as exc:  # --version, --help
        code = exc.code
    if code != 0:
        lines = capsys.readouterr().err.strip().splitlines()
        return f"exit {code}: {lines[-1] if lines else 'no message'}"
    return None


@pytest.mark.parametrize("command", COMMANDS, ids=[command.where for command in COMMANDS])
def test_documented_command_is_accepted_by_the_real_command_line(command, stubbed, capsys):
    invocations, problems = doc_commands.resolve(command)
    problems += [problem for inv in invocations if (problem := accepted(inv, stubbed, capsys))]
    assert not problems, f"{command.where}: {command.text}\n" + "\n".join(problems)


def not_run(inv):
    """Why INV is only checked, never run here; None when it runs."""
    args = inv.fiberlab_args
    if args is not None:
        words = [arg for arg in args if not arg.startswith("-")]
        if words[:1] == ["pythons"]:
            return "pythons prepares a venv per Python version"
        if words[:1] in (["run"], ["sweep"]) and words[1:2] == ["all"]:
            return "every scenario on every model"
        if any(arg.partition("=")[0] == "--python" for arg in args):
            return "other interpreters, each with a venv of its own"
        return None
    if entry_point(inv):
        return "a long run of the lab, checked by its own parser and refusals (tests/test_lab_report.py " \
               "runs the standard sweeps at --tiny)"
    if inv.module in ("ruff", "pytest"):
        return "the test suite itself"
    if inv.argv[0] == "diff":
        return "a diff of two files, which exist"
    if inv.argv[0] == "mkdir":
        return "a folder for what the commands after it write"
    return None


def sized(inv):
    args = inv.fiberlab_args
    words = [arg for arg in args or () if not arg.startswith("-")]
    if words[:1] in (["run"], ["sweep"]):
        return doc_commands.tiny(inv, scenarios.load, DEFAULT_MODEL)
    return inv


def redirected(argv, folder):
    """argv with what it writes (and the files those writes are read back from) under FOLDER."""
    out, follows_option = [], False
    for token in argv:
        name, equals, value = token.partition("=")
        if equals and name in OUTPUT_OPTIONS and not STREAMS.match(value):
            token = f"{name}={folder / value}"
        elif (follows_option and not STREAMS.match(token)) or (token.endswith(".json") and not (REPO / token).exists()):
            token = str(folder / token)
        follows_option = token in OUTPUT_OPTIONS
        out.append(token)
    return out


def execute(inv, folder):
    """(exit status, stdout, stderr) of INV run from the repository, its writes under FOLDER."""
    argv = redirected(list(inv.argv), folder)
    if argv[0].startswith(".venv/bin/"):
        argv[0] = str(local_bin(argv[0]))
    if inv.module == REPORT:
        results = Path(argv[argv.index("--results") + 1]) if "--results" in argv else folder / "results"
        results.mkdir(parents=True, exist_ok=True)
        lab_results.write(results, {"measures": lab_results.results()["measures"]})  # the least it draws a page of
    env = dict(os.environ, **inv.env)
    if inv.fiberlab_args is not None and "serve" in inv.fiberlab_args:
        return serve_and_stop(argv, env)
    try:
        done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, "", f"{type(exc).__name__}: {exc}"
    return done.returncode, done.stdout, done.stderr


def serve_and_stop(argv, env):
    """A server must say where it listens, then stop on SIGTERM with exit 0."""
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    if not first or not re.match(r"^127\.0\.0\.1:\d+$", first[0].strip()):
        proc.kill()
        _out, err = proc.communicate()
        return None, "".join(first), f"no address line within 30 s: {err.strip()[-300:]}"
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        return None, first[0] + out, f"still serving 30 s after SIGTERM: {err.strip()[-300:]}"
    return proc.returncode, first[0] + out, err


@dataclass
class Step:
    """One process a documented line starts, as this test takes it: run (`inv`, at its tiny
    size), not run (`skipped`: why), failed before it could run (`problem`), or run already
    for an earlier line (`same_as`: that line)."""
    inv: Invocation | None = None
    skipped: str = ""
    problem: str = ""
    same_as: str = ""


def steps(command):
    invocations, problems = doc_commands.resolve(command)
    if problems:
        return [Step(problem="; ".join(problems))]
    return [Step(skipped=reason) if (reason := not_run(inv)) else Step(inv=sized(inv)) for inv in invocations]


def same_work(inv):
    """What an invocation does, whichever of the two launchers of fiberlab starts it (each is run
    by other lines: `list` through the console script, every make target through python -m).
    Not with an environment: $FIBERLAB_EXTRA_MODELS=tests... imports under one launcher only."""
    args = inv.fiberlab_args
    if args is None or inv.env:
        return inv.argv, tuple(sorted(inv.env.items()))
    return ("fiberlab", *args), ()


def writes_nothing(inv):
    return not any(token.partition("=")[0] in OUTPUT_OPTIONS or token.endswith(".json") for token in inv.argv)


def run_block(planned, folder):
    """{where: [(what ran, exit status, output)]} for a block's lines, in order, in FOLDER."""
    outcomes = {}
    for where, plan in planned:
        outcomes[where] = []
        for step in plan:
            if step.inv is not None and not step.same_as:
                code, out, err = execute(step.inv, folder)
                outcomes[where].append((step.inv, code, (out + err)[-2000:]))
            elif step.problem:
                outcomes[where].append((None, None, step.problem))
    return outcomes


def run_all(new_folder):
    """{where: [(what ran, exit status, output)]} for every documented line, each block in a
    folder of new_folder()'s: the blocks two at a time; a tiny command that writes nothing and
    ran for an earlier line is not run again."""
    blocks, first = {}, {}
    for command in COMMANDS:
        plan = steps(command)
        for step in plan:
            if step.inv is not None and writes_nothing(step.inv):
                key = same_work(step.inv)
                if key in first:
                    step.same_as = first[key]
                else:
                    first[key] = command.where
        blocks.setdefault(command.block, []).append((command.where, plan))
    # The blocks with the most to run first, so the last one to finish is a short one.
    order = sorted(blocks, key=lambda block: -sum(bool(step.inv and not step.same_as)
                                                  for _where, plan in blocks[block] for step in plan))
    folders = {block: new_folder() for block in order}
    outcomes = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for done in pool.map(lambda block: run_block(blocks[block], folders[block]), order):
            outcomes.update(done)
    for planned in blocks.values():
        for where, plan in planned:
            outcomes[where] += [outcome for step in plan if step.same_as for outcome in outcomes[step.same_as]]
    return outcomes


def test_every_documented_command_runs_at_a_tiny_size(tmp_path_factory):
    """One test, not one per line: the runs share work and run side by side, and pytest-xdist
    must not split them between its workers (each would run them all)."""
    outcomes = run_all(lambda: tmp_path_factory.mktemp("block"))
    assert set(outcomes) == {command.where for command in COMMANDS}
    failed = [f"{command.where}: {command.text}\n  ran {' '.join(inv.argv) if inv else '-'} -> exit {code}\n{output}"
              for command in COMMANDS for inv, code, output in outcomes[command.where] if code != 0]
    assert not failed, "\n".join(failed)


def test_every_line_of_a_shell_block_is_a_command_this_test_checks():
    assert not UNKNOWN_LINES, "\n".join(UNKNOWN_LINES)


def test_the_readme_shows_the_two_commands_on_its_first_screen():
    first_screen = [command.text for command in COMMANDS
                    if command.where.startswith("README.md:") and int(command.where.split(":")[1]) <= 40]
    assert {"make run-scenario", "make test"} <= set(first_screen)


def test_the_scenarios_page_names_every_parameter_of_every_scenario():
    page = (REPO / "docs" / "scenarios.md").read_text()
    missing = [f"{name}: {param.name}" for name in scenarios.names()
               for param in scenarios.load(name).PARAMS
               if f"## {name}" not in page or f"`{param.name}`" not in page.split(f"## {name}")[1].split("\n## ")[0]]
    assert not missing, "docs/scenarios.md does not describe: " + ", ".join(missing)


BROKEN = {  # a made-up documented line, and what the check must say about it
    "a misspelt option": (".venv/bin/fiberlab run pingpong --modles greenlet", "--modles"),
    "a parameter that does not exist": (".venv/bin/fiberlab run pingpong --param round=3", "'round'"),
    "a value the parameter refuses": (".venv/bin/fiberlab run spawn --param leaves=1234", "power of 10"),
    "an unknown model": (".venv/bin/fiberlab run pingpong --models greenlet,fibers", "'fibers'"),
    "an unknown scenario through make": ("make run-scenario SCENARIO=ping_pong", "'ping_pong'"),
    "an unknown make target": ("make run-scenarios", "run-scenarios"),
    "an unknown standard sweep": ("make sweep SWEEPS=pingpong_taks", "'pingpong_taks'"),
    "a launcher that needs an activated venv": ("python -m fiberlab list", "activated venv"),
}


@pytest.mark.parametrize("text, said", BROKEN.values(), ids=BROKEN.keys())
def test_the_check_fails_a_broken_command_and_says_why(text, said, stubbed, capsys):
    commands, unknown = doc_commands.find(f"```sh\n{text}\n```\n", "made-up.md")
    assert len(commands) == 1 and not unknown
    invocations, problems = doc_commands.resolve(commands[0])
    problems += [problem for inv in invocations if (problem := accepted(inv, stubbed, capsys))]
    assert len(problems) == 1 and said in problems[0]


def test_the_finder_refuses_a_line_it_cannot_check():
    _commands, unknown = doc_commands.find("```sh\npython3 crosscheck/idle_uss.py asyncio\n```\n", "made-up.md")
    assert unknown and "made-up.md:2" in unknown[0]


def test_a_command_that_parses_but_cannot_run_from_a_clone_fails_when_run(tmp_path):
    """The console script does not put the working folder on sys.path, so a test model
    named through $FIBERLAB_EXTRA_MODELS imports only under `python -m fiberlab`."""
    command = Command("made-up.md:2", "made-up.md:1",
                      "FIBERLAB_EXTRA_MODELS=tests.tiny_model .venv/bin/fiberlab run pingpong --models tiny")
    outcome = run_block([(command.where, steps(command))], tmp_path)[command.where]
    assert [code for _inv, code, _output in outcome] == [2]
    assert "tests.tiny_model" in outcome[0][2]
    working = Invocation((".venv/bin/python", "-m", "fiberlab", "run", "pingpong", "--models", "tiny"),
                         {"FIBERLAB_EXTRA_MODELS": "tests.tiny_model"})
    assert execute(sized(working), tmp_path)[0] == 0
