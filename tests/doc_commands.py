"""The commands README.md and docs/*.md show, found and resolved to what actually runs.

Contract:
- find(text, name) -> ([Command], [problem]): every line of a shell code block (a fenced
  block tagged sh, shell, bash, console or nothing), in order. A line must start, after
  optional NAME=value assignments, with one of LAUNCHERS; anything else in such a block is
  a problem, so no command can hide from the test. Comments and blank lines are skipped.
- resolve(command) -> ([Invocation], [problem]): what the line runs. `make TARGET ...` is
  resolved by `make -n` in the repository: the Makefile's own recipe (from_recipe), its
  set-up lines left out.
- tiny(invocation, spec_of) -> Invocation: a `fiberlab run` or `fiberlab sweep` at a tiny
  size: the spec's SMALL parameters (a sweep keeps its two smallest swept values), one model
  (the first named that is not threads, whose slope runs start thousands of threads), one
  timed process of two values. Every other option is kept, so the line still does what the
  page says, only smaller.
"""

import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LAUNCHERS = ("make", ".venv/bin/fiberlab", ".venv/bin/python", "fiberlab", "python", "diff")
SHELL_TAGS = ("", "sh", "shell", "bash", "console")
ENV_ASSIGNMENT = re.compile(r"^[A-Z_][A-Z0-9_]*=")
FENCE = re.compile(r"^```(\S*)\s*$")
# What `make -n` prints besides the recipe when .venv is stale: its set-up, never a command to check.
MAKE_SETUP = re.compile(r"^(python3? -m venv |\S*python -m pip |touch |\S*python3? -m venv )")
PLAN_FLAGS = {"--fast": 0, "--rigorous": 0, "--repeat": 1, "--values": 1, "--python": 1, "--models": 1, "--param": 1}
TINY_PLAN = ["--fast", "--values", "2"]  # one timed process of two values: pyperf's tools compare two values


@dataclass(frozen=True)
class Command:
    where: str  # "docs/timing.md:12"
    block: str  # where its code block opens: the commands of one block run in order, in one folder
    text: str


LAUNCH = "fiberlab.launch"  # `python -m fiberlab.launch MODULE ...` runs MODULE (fiberlab/launch.py)


@dataclass(frozen=True)
class Invocation:
    """One process a documented line starts: `argv[0]` as written (a launcher relative to the
    repository, or a name looked up on PATH), with the environment assignments written before it."""
    argv: tuple
    env: dict = field(default_factory=dict)

    @property
    def fiberlab_args(self):
        """The arguments after the fiberlab launcher, or None if this is not a fiberlab command."""
        argv = list(self.argv)
        if argv[0] in (".venv/bin/fiberlab", "fiberlab"):
            return argv[1:]
        if argv[0].endswith("python") and argv[1:3] == ["-m", "fiberlab"]:
            return argv[3:]
        return None

    @property
    def module(self):
        """The module of a `python -m MODULE ...` line, or None; through `python -m fiberlab.launch
        MODULE ...` (the Makefile's lab targets), the module it launches."""
        if not (self.argv[0].endswith("python") and self.argv[1:2] == ("-m",)):
            return None
        return self.argv[3] if self.argv[2] == LAUNCH and len(self.argv) > 3 else self.argv[2]

    @property
    def module_args(self):
        """The arguments after the module of a `python -m MODULE ...` line."""
        return self.argv[4:] if self.argv[2:3] == (LAUNCH,) else self.argv[3:]


def relative(path):
    return str(Path(path).resolve().relative_to(REPO)) if Path(path).resolve().is_relative_to(REPO) else str(path)


def find(text, name):
    """The commands of NAME's shell blocks, and a problem for each line there that is none."""
    commands, problems, fence, opened = [], [], None, 0
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line.strip())
        if match and fence is None:
            fence, opened = match.group(1), number
            continue
        if line.strip() == "```" and fence is not None:
            fence = None
            continue
        if fence is None or fence not in SHELL_TAGS:
            continue
        stripped = line.strip().removeprefix("$ ")
        if not stripped or stripped.startswith("#"):
            continue
        tokens = split(stripped)
        launcher = next((token for token in tokens if not ENV_ASSIGNMENT.match(token)), "")
        if launcher not in LAUNCHERS:
            problems.append(f"{name}:{number}: not a command the test knows how to check: {stripped}")
            continue
        commands.append(Command(f"{name}:{number}", f"{name}:{opened}", stripped))
    return commands, problems


def split(text):
    try:
        return shlex.split(text, comments=True)
    except ValueError:
        return text.split()


def invocation(tokens):
    env = {}
    while tokens and ENV_ASSIGNMENT.match(tokens[0]):
        key, _, value = tokens.pop(0).partition("=")
        env[key] = value
    return Invocation(tuple(tokens), env)


def resolve(command):
    """([Invocation], [problem]) for one documented line."""
    tokens = split(command.text)
    first = invocation(list(tokens))
    if first.argv[0] != "make":
        return [first], []
    dry = subprocess.run(["make", "-n", *first.argv[1:]], cwd=REPO, capture_output=True, text=True, timeout=60)
    if dry.returncode != 0:
        return [], [f"{command.where}: `make -n {' '.join(first.argv[1:])}` fails: {dry.stderr.strip()[:300]}"]
    return from_recipe(dry.stdout), []


def from_recipe(recipe):
    """The commands a `make -n` recipe runs: its shell commands (continued lines joined), a
    `for VAR in ...; do` loop expanded, a variable captured from `pythons --usable VERSIONS`
    replaced by those versions, and `mkdir -p` kept."""
    joined = recipe.replace("\\\n", " ")
    loops = dict(re.findall(r"for (\w+) in ([^;]+); do", joined))
    captured = dict(re.findall(r"(\w+)=\$\([^)]*pythons --usable ([^)]*)\)", joined))
    found = []
    for piece in re.split(r"[;\n]", joined):
        if piece.strip().startswith("mkdir -p "):
            found.append(Invocation(("mkdir", "-p", piece.split()[2])))
        for text in re.findall(r"(?<![^\s(])((?:[A-Z_]+=\S+ )*[\w./]*python3? -m [\w.]+[^|)]*)", piece):
            text = text.strip()
            if MAKE_SETUP.match(text):
                continue
            for var, versions in captured.items():
                text = text.replace(f"${var}", ",".join(versions.split()))
            loop_var = next((var for var in re.findall(r"\$(\w+)", text) if var in loops), None)
            for value in loops[loop_var].split() if loop_var else [None]:
                found.append(invocation(split(text.replace(f"${loop_var}", value) if value else text)))
    return found


def first_model(text, default):
    """One model of a --models list: the first that is not threads (or the first), else `default`."""
    if text is None:
        return default
    ids = [item.strip() for item in text.split(",") if item.strip()]
    return next((model for model in ids if model != "threads"), ids[0] if ids else default)


def without_plan(args):
    """args without the plan, models, params and --python options: (the rest, {option: [values]})."""
    rest, taken, index = [], {}, 0
    while index < len(args):
        token = args[index]
        name, equals, value = token.partition("=")
        if name in PLAN_FLAGS:
            if PLAN_FLAGS[name] and not equals:
                value, index = args[index + 1], index + 1
            taken.setdefault(name, []).append(value)
        else:
            rest.append(token)
        index += 1
    return rest, taken


def smallest_two(values):
    try:
        return sorted(values, key=float)[:2]
    except ValueError:
        return values[:2]


def tiny(inv, spec_of, default_model):
    """The invocation of a `fiberlab run SCENARIO` or `fiberlab sweep SCENARIO` at a tiny size."""
    args = inv.fiberlab_args
    launcher = list(inv.argv[:len(inv.argv) - len(args)])
    rest, taken = without_plan(args)
    spec = spec_of(rest[1])
    params = dict(assignment.partition("=")[::2] for assignment in taken.get("--param", []))
    swept = [name for name, value in params.items() if "," in value]
    for name, value in spec.SMALL.items():
        if name not in swept:
            params[name] = str(value).lower() if isinstance(value, bool) else str(value)
    for name in swept:
        params[name] = ",".join(smallest_two(params[name].split(",")))
    model = first_model((taken.get("--models") or [None])[-1], default_model)
    tiny_args = rest + TINY_PLAN + ["--models", model]
    for name, value in params.items():
        tiny_args += ["--param", f"{name}={value}"]
    return Invocation(tuple(launcher + tiny_args), inv.env)
