"""Other Python interpreters: find one, give it a virtual environment, describe it.

Contract: find(spec) turns `--python SPEC` (a version such as "3.12", or a path
to an interpreter) into an Interpreter, or raises NotFound whose message names
everything that was tried. prepare(interpreter) makes sure the interpreter has
its own environment in .venv-pythons/<major.minor>/ with the project installed
(created once, reused, reinstalled when pyproject.toml changes), and fills in
`python` (the environment's interpreter, which runs the workers) and
`environment` (what that interpreter itself reports: its version and its
greenlet and gevent versions), or raises InstallFailed.

A version is looked for as `pythonX.Y` on PATH, then among pyenv's installed
versions (`pyenv root`/versions/X.Y.*). Every candidate is run before it is
believed: a pyenv shim exists on PATH for every version pyenv knows of, and
fails when that version is not the active one.
"""

import fcntl
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENVS = REPO_ROOT / ".venv-pythons"
VERSION_SPEC = re.compile(r"^3\.\d{1,2}$")
ASK_VERSION = "import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)"
ASK_ENVIRONMENT = "import json; from fiberlab import environment; print(json.dumps(environment.describe()))"


class NotFound(Exception):
    """No working interpreter for a spec; the message says what was tried."""


class InstallFailed(Exception):
    """The interpreter exists, but its environment could not be made."""


@dataclass
class Interpreter:
    spec: str  # what the user wrote
    base: str  # the interpreter found
    version: str  # "3.12": the label in the table and the name of its environment
    python: str = ""  # the environment's interpreter, set by prepare()
    environment: dict = field(default_factory=dict)  # set by prepare()


def version_of(executable):
    """("X.Y", the real executable) if `executable` runs and says so, else (None, None).

    The real executable is what a shim or a link stands for, so the environment
    is built from, and its stamp names, the interpreter that actually runs."""
    try:
        proc = subprocess.run([executable, "-c", ASK_VERSION], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None, None
    answer = proc.stdout.split()
    if proc.returncode != 0 or len(answer) != 2 or not VERSION_SPEC.match(answer[0]):
        return None, None
    return answer[0], answer[1]


def pyenv_candidates(version):
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return []
    try:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return []
    if not root:
        return []
    # pyenv names an installed version X.Y.Z, so X.Y.* finds 3.12.1 for 3.12 but never 3.1 for 3.10
    folders = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*")), reverse=True)
    return [os.path.join(folder, "bin", f"python{version}") for folder in folders]


def find(spec):
    spec = spec.strip()
    if VERSION_SPEC.match(spec):
        tried = []
        on_path = shutil.which(f"python{spec}")
        candidates = ([on_path] if on_path else []) + pyenv_candidates(spec)
        for candidate in candidates:
            found, real = version_of(candidate)
            tried.append(candidate)
            if found == spec:
                _refuse_too_old(spec, found)
                return Interpreter(spec, real, found)
        places = ", ".join(tried) if tried else "nothing on PATH, and no pyenv version"
        raise NotFound(f"--python {spec}: no working Python {spec} (tried python{spec} on PATH and pyenv's "
                       f"installed versions: {places})")
    if os.sep in spec or os.path.exists(spec):
        found, real = version_of(spec)
        if found is None:
            raise NotFound(f"--python {spec}: not a Python 3 interpreter that runs (tried {spec} -c 'import sys')")
        _refuse_too_old(spec, found)
        return Interpreter(spec, real, found)
    raise NotFound(f"--python needs a version like 3.12 or a path to an interpreter, got {spec!r}")


OLDEST = (3, 10)  # pyproject.toml's requires-python: refused before a venv is built for nothing


def _refuse_too_old(spec, version):
    if tuple(int(part) for part in version.split(".")[:2]) < OLDEST:
        raise NotFound(f"--python {spec}: Python {version} is older than the lab supports "
                       f"({OLDEST[0]}.{OLDEST[1]} or newer, pyproject.toml's requires-python)")


def _stamp_text(interpreter):
    """What the environment was built from; a change means build it again."""
    pyproject = hashlib.sha256((REPO_ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{os.path.realpath(interpreter.base)}\n{pyproject}\n"


def _run_step(command, what, interpreter, log):
    proc = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT)
    log.write(f"$ {' '.join(command)}\n{proc.stdout}{proc.stderr}\n")
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr + proc.stdout).splitlines() if line.strip()]
        last = (lines or ["no output"])[-1].strip()[:200]
        raise InstallFailed(f"--python {interpreter.spec}: {what} failed for {interpreter.base}: {last}")


def prepare(interpreter, progress=None):
    """Give the interpreter its environment (once; again when pyproject.toml changes)."""
    folder = VENVS / interpreter.version
    VENVS.mkdir(exist_ok=True)
    python = folder / "bin" / "python"
    stamp = folder / ".installed"
    # Two harnesses (or a test beside a make target) must not build one environment at once.
    with open(VENVS / f"{interpreter.version}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (stamp.exists() and stamp.read_text() == _stamp_text(interpreter) and python.exists()):
            if progress:
                progress(f"python {interpreter.version} · creating {folder.relative_to(REPO_ROOT)} "
                         "and installing the project (once)")
            with open(VENVS / f"{interpreter.version}.log", "w") as log:
                _run_step([interpreter.base, "-m", "venv", "--clear", str(folder)], "creating a venv", interpreter, log)
                # --no-compile: byte-compiling every module of numpy, scipy and matplotlib took more
                # than half of the install; the interpreter compiles what a run imports, once, on first use.
                _run_step([str(python), "-m", "pip", "install", "--quiet", "--no-compile", "-e", str(REPO_ROOT)],
                          "pip install -e .", interpreter, log)
            stamp.write_text(_stamp_text(interpreter))
    interpreter.python = str(python)
    interpreter.environment = describe(interpreter)
    return interpreter


def describe(interpreter):
    """The environment as the interpreter itself reports it (fiberlab/environment.py, run there)."""
    proc = subprocess.run([interpreter.python, "-c", ASK_ENVIRONMENT], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=60)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]
        raise InstallFailed(f"--python {interpreter.spec}: its environment does not import the project: {last}")
    return dict(json.loads(proc.stdout), executable=interpreter.base)
