"""Native models: C++ scenario files built by the lab on demand, run as workers.

Pipeline position: the same as fiberlab/worker.py, with a binary instead of
`python -m fiberlab.worker`. A native model's file in a scenario folder is
`<Model.file>.cpp`; it is compiled with fiberlab/cpp/main.cpp (the worker's job:
time the run, read memory from /proc, write the outcome) and the runtime
header fiberlab/cpp/<runtime>.hpp it includes.

Building: with $CXX (default g++), `-O2 -std=c++20`, into build/native/
(git-ignored), or, where the checkout is read-only (an installed package),
$XDG_CACHE_HOME/fiberlab/native; with neither writable the native models are
left out with one line, as without a compiler. One binary per (scenario,
model). A binary is rebuilt when the hash of its sources, compiler and flags
changes (mtimes lie after a git checkout), and built once even when several
harness processes ask at the same moment: an flock per binary
(.<scenario>-<model>.lock) serialises the builds of that binary, and each binary
is written beside its place and renamed in; two different binaries build at once.

Trust: the stamp beside a binary holds the inputs' hash and the binary's own
sha256; a binary that is not executable or whose bytes changed since it was
built (truncated, emptied) is rebuilt, never run. The compiler runs under
fiberlab/group_guard.py in a process group the harness kills on a stop signal
and that dies with the harness even if it is SIGKILLed; a partial binary left by
a harness that died anyway is removed by the next build of that binary.

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
import sys
import tempfile
from pathlib import Path

from fiberlab import stopping
from scenarios.common import canonical_json, digest

REPO_ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = REPO_ROOT / "scenarios"
NATIVE = Path(__file__).resolve().parent / "cpp"  # main.cpp and the runtime headers
# Where binaries go, in order of preference (the first that can be written; see build_dir()).
BUILD = REPO_ROOT / "build" / "native"
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fiberlab" / "native"
FLAGS = ["-O2", "-std=c++20"]
FLAVOURS = {"ucontext": ["-DFIBERLAB_UCONTEXT"]}  # extra flags of a model built from another model's file
MINIMUM = {"g++": 11, "clang++": 14}  # the first versions with C++20 coroutines in <coroutine>
BUILD_TIMEOUT_S = 300


class BuildFailed(Exception):
    """The compiler refused a native file; the message is one line."""


def compiler():
    """The compiler command, as a list: $CXX split like a shell would, else g++.
    Raises ValueError when $CXX cannot be split (an unclosed quote)."""
    return shlex.split(os.environ.get("CXX") or "g++")


def build_dir():
    """The first folder of BUILD, CACHE that exists or can be made and takes a file, or None."""
    for folder in (BUILD, CACHE):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # A unique name: threads of one process ask at once, and a shared name made one
            # thread's unlink fail another's probe (it then built a second copy in CACHE).
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
                pass
            return folder
        except OSError:
            continue
    return None


_unavailable = {}


def unavailable():
    """None if a suitable C++ compiler is here, else one line saying why not (asked once per process)."""
    try:
        command = tuple(compiler())
    except ValueError as exc:
        return f"no C++ compiler: CXX={os.environ.get('CXX')!r} cannot be read as a command ({exc})"
    if command not in _unavailable:
        _unavailable[command] = _check_compiler(list(command))
        if _unavailable[command] is None and build_dir() is None:
            _unavailable[command] = f"no folder to build C++ models in: neither {BUILD} nor {CACHE} can be written"
    return _unavailable[command]


def _check_compiler(command):
    shown = " ".join(command) or "''"
    if not command or not shutil.which(command[0]):
        return f"no C++ compiler: {shown} not found (set CXX to g++ >= 11 or clang++ >= 14)"
    try:
        # errors="replace": a compiler may print its banner in any encoding
        banner = _guarded(command + ["--version"], timeout=30)[1].decode(errors="replace")
        version = _guarded(command + ["-dumpversion"], timeout=30)[1].decode(errors="replace")
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
    return SCENARIOS / scenario / f"{model.file}.cpp"


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


def _file_sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def is_fresh(target, fingerprint):
    """Whether TARGET was built from these inputs and is, byte for byte, what was built."""
    stamp = target.with_suffix(".sha256")
    try:
        inputs, _, built = stamp.read_text().partition("\n")
        return inputs == fingerprint and os.access(target, os.X_OK) and built.strip() == _file_sha256(target)
    except OSError:
        return False


def _remove_stale_partials(target):
    """Partial binaries of TARGET whose builder is gone (it died of SIGKILL mid-build)."""
    for partial in target.parent.glob(f".{target.name}.*"):
        pid = partial.name.rsplit(".", 1)[-1]
        if not pid.isdigit() or partial.suffix == ".lock":
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            partial.unlink(missing_ok=True)
        except PermissionError:
            pass  # alive, someone else's


def needs_build(model, scenario):
    """Whether binary() would compile (so the caller says "compiling" only when it does)."""
    folder = build_dir()
    return folder is None or not is_fresh(folder / f"{scenario}-{model.id}", _fingerprint(model, scenario))


def _compile(command):
    """Run the compiler under the group guard; (returncode, stderr text). A stop signal kills it."""
    returncode, _stdout, stderr = _guarded(command, timeout=BUILD_TIMEOUT_S)
    return returncode, stderr.decode(errors="replace")


def _guarded(command, timeout):
    """Run any compiler command (a build, a version check) under the group guard
    (fiberlab/group_guard.py), so a stop signal kills its whole tree and it dies with the
    harness, even of SIGKILL; (returncode, stdout bytes, stderr bytes). Raises
    subprocess.TimeoutExpired once it has killed it."""
    proc = stopping.start([sys.executable, "-m", "fiberlab.group_guard", *command], cwd=REPO_ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stopping.kill_group(proc)
        proc.wait()
        raise
    finally:
        stopping.forget(proc)
    stopping.check()  # killed by a stop: the caller stops too, no "did not compile"
    return proc.returncode, stdout, stderr


def binary(model, scenario):
    """The path of the model's binary for `scenario`, built first if missing, stale or damaged."""
    folder = build_dir()
    if folder is None:
        raise BuildFailed(f"no folder to build in: neither {BUILD} nor {CACHE} can be written")
    target = folder / f"{scenario}-{model.id}"
    fingerprint = _fingerprint(model, scenario)
    with open(folder / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one build of this binary at a time; a waiter finds it fresh
        if is_fresh(target, fingerprint):
            return target
        _remove_stale_partials(target)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            returncode, stderr = _compile(_command(model, scenario, partial))
            if returncode != 0:
                errors = [line for line in stderr.splitlines() if "error" in line] or stderr.splitlines()
                raise BuildFailed(f"{source(model, scenario).relative_to(REPO_ROOT)} did not compile: "
                                  f"{(errors or ['no message'])[0][:240]}")
            os.replace(partial, target)
            target.with_suffix(".sha256").write_text(f"{fingerprint}\n{_file_sha256(target)}\n")
        except subprocess.TimeoutExpired:
            raise BuildFailed(f"compiling {source(model, scenario).name} took over {BUILD_TIMEOUT_S} s") from None
        except OSError as exc:
            raise BuildFailed(f"building {target.name}: {exc.strerror or exc}") from None
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
