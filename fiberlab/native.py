"""Native models: C++ scenario files built by the lab on demand, run as workers.

Pipeline position: the same as fiberlab/worker.py, with a binary instead of
`python -m fiberlab.worker`. A native model's file in a scenario folder is
`<Model.file>.cpp`; it is compiled with fiberlab/cpp/main.cpp (the worker's job:
time the run, read memory from /proc, write the outcome) and the runtime
header fiberlab/cpp/<runtime>.hpp it includes.

Building: with $CXX (default g++), `-O2 -std=c++20`, into build/native/
(git-ignored), one binary per (scenario, model). A binary is rebuilt when
the hash of its sources, compiler and flags changes (mtimes lie after a git
checkout), and built once even when several harness processes ask at the
same moment: an flock per binary (build/native/.<scenario>-<model>.lock) serialises
the builds of that binary, and each binary is written beside its place and renamed
in; two different binaries build at once (a fresh clone's tests build nine).

The job goes in as arguments (`OUT_FD PASS name=value ...`), the outcome comes
back in the file the binary inherits as OUT_FD (harness/pipeline.run_worker's
job["out_fd"]), in fiberlab/worker.py's format, except that the binary writes its
canonical result as "result": adapt() digests it here with the same
canonical JSON as every Python model, so equal digests mean equal numbers.
"""

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

from scenarios.common import canonical_json, digest

REPO_ROOT = Path(__file__).resolve().parent.parent
NATIVE = Path(__file__).resolve().parent / "cpp"  # main.cpp and the runtime headers
BUILD = REPO_ROOT / "build" / "native"
FLAGS = ["-O2", "-std=c++20"]
FLAVOURS = {"ucontext": ["-DFIBERLAB_UCONTEXT"]}  # extra flags of a model built from another model's file
MINIMUM = {"g++": 11, "clang++": 14}  # the first versions with C++20 coroutines in <coroutine>
BUILD_TIMEOUT_S = 300


class BuildFailed(Exception):
    """The compiler refused a native file; the message is one line."""


def compiler():
    """The compiler command, as a list: $CXX split like a shell would, else g++."""
    return shlex.split(os.environ.get("CXX") or "g++")


_unavailable = {}


def unavailable():
    """None if a suitable C++ compiler is here, else one line saying why not (asked once per process)."""
    command = tuple(compiler())
    if command not in _unavailable:
        _unavailable[command] = _check_compiler(list(command))
    return _unavailable[command]


def _check_compiler(command):
    shown = " ".join(command) or "''"
    if not command or not shutil.which(command[0]):
        return f"no C++ compiler: {shown} not found (set CXX to g++ >= 11 or clang++ >= 14)"
    try:
        banner = subprocess.run(command + ["--version"], capture_output=True, text=True, timeout=30).stdout
        version = subprocess.run(command + ["-dumpversion"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"no C++ compiler: {shown} does not run ({type(exc).__name__})"
    kind = "clang++" if "clang" in banner else "g++"
    major = re.match(r"\d+", version.strip())
    if not major:
        return f"no C++ compiler: {shown} --version says nothing usable"
    if int(major.group()) < MINIMUM[kind]:
        return f"C++ compiler too old: {shown} is {kind} {version.strip()}, C++20 coroutines need {MINIMUM[kind]}+"
    return None


def source(model, scenario):
    return REPO_ROOT / "scenarios" / scenario / f"{model.file}.cpp"


def _inputs(model, scenario):
    return [source(model, scenario), NATIVE / "main.cpp", *sorted(NATIVE.glob("*.hpp"))]


def _command(model, scenario, output):
    extra = FLAVOURS.get(model.native, [])
    return compiler() + FLAGS + extra + [f"-I{NATIVE}", str(source(model, scenario)), str(NATIVE / "main.cpp"),
                                         "-o", str(output)]


def _fingerprint(model, scenario):
    digest_ = hashlib.sha256(" ".join(_command(model, scenario, "OUT")).encode())
    digest_.update((unavailable() or "").encode())
    for path in _inputs(model, scenario):
        digest_.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest_.hexdigest()


def _target(model, scenario):
    return BUILD / f"{scenario}-{model.id}"


def _built(target, fingerprint):
    stamp = target.with_suffix(".sha256")
    return target.exists() and stamp.exists() and stamp.read_text() == fingerprint


def fresh(model, scenario):
    """True when the model's binary for `scenario` is built from its sources as they are now:
    binary() will not compile (unless another process changes them meanwhile)."""
    return _built(_target(model, scenario), _fingerprint(model, scenario))


def binary(model, scenario):
    """The path of the model's binary for `scenario`, built first if missing or stale."""
    BUILD.mkdir(parents=True, exist_ok=True)
    target = _target(model, scenario)
    stamp = target.with_suffix(".sha256")
    fingerprint = _fingerprint(model, scenario)
    with open(BUILD / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build of this binary at a time; a waiter finds it fresh
        if _built(target, fingerprint):
            return target
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            done = subprocess.run(_command(model, scenario, partial), capture_output=True, text=True,
                                  timeout=BUILD_TIMEOUT_S, cwd=REPO_ROOT)
            if done.returncode != 0:
                errors = [line for line in done.stderr.splitlines() if "error" in line] or done.stderr.splitlines()
                raise BuildFailed(f"{source(model, scenario).relative_to(REPO_ROOT)} did not compile: "
                                  f"{(errors or ['no message'])[0][:240]}")
            os.replace(partial, target)
            stamp.write_text(fingerprint)
        except subprocess.TimeoutExpired:
            raise BuildFailed(f"compiling {source(model, scenario).name} took over {BUILD_TIMEOUT_S} s") from None
        finally:
            if partial.exists():
                partial.unlink()
    return target


def argv(path, job):
    """The command line that runs one job: OUT_FD PASS name=value ... (booleans as 0/1, text as given),
    memory_limit_bytes=N when the job caps the address space (--memory-limit), and for the timed
    pass values=K loops=L (fiberlab/cpp/main.cpp)."""
    params = dict(job["params"])
    if job.get("memory_limit_bytes"):
        params["memory_limit_bytes"] = job["memory_limit_bytes"]
    if job["pass"] == "time":  # values per process, and the loop count (0: the binary calibrates it)
        params.update(values=job.get("values") or 1, loops=job.get("loops") or 0)
    return [str(path), str(job["out_fd"]), job["pass"]] + [f"{name}={value if isinstance(value, str) else int(value)}"
                                                   for name, value in params.items()]


def adapt(outcome, spec):
    """The binary's outcome in fiberlab/worker.py's format: its result digested here (the timed
    pass's every distinct result, as worker.py's digests)."""
    if outcome.get("status") == "ok" and "results" in outcome:
        results = outcome.pop("results")
        return dict(outcome, digests=sorted({digest(result) for result in results}),
                    result_preview=canonical_json(results[-1])[:200])
    if outcome.get("status") != "ok" or "result" not in outcome:
        return outcome
    result = outcome.pop("result")
    outcome["digest"] = digest(result)
    outcome["result_preview"] = canonical_json(result)[:200]
    outcome["result_summary"] = spec.summarize(result) if spec.summarize is not None else None
    return outcome
