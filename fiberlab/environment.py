"""What machine and software a result was measured on, and when."""

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _version(package):
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gevent_loop():
    try:
        import gevent  # imported here only to name its loop; the harness never runs on it
    except ImportError:
        return None
    loop = gevent.config.loop
    return f"{loop.__module__}.{loop.__name__}"


def load_average():
    """The 1, 5 and 15 minute load averages, or None where the system has none."""
    try:
        return list(os.getloadavg())
    except OSError:
        return None


def git_commit():
    """The commit the lab's code is at, with "+changes" when the work tree differs; None outside a repository."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                                timeout=10)
        if commit.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    return commit.stdout.strip() + ("+changes" if dirty else "")


def busy_warning(environment):
    """One line when the load average at the start exceeded the cores (the timed values then shared
    the machine: wall time stretches, CPU time much less), else None."""
    load, cores = environment.get("load_average_start"), environment.get("cores")
    if not load or not cores or load[0] <= cores:
        return None
    return (f"warning: load average {load[0]:.2f} at the start exceeds the {cores} cores: wall times are "
            f"stretched; rows judged on CPU time and the paired ratios hold better (docs/timing.md)")


def describe():
    """The environment at the start of a run; the caller adds load_average_end when it ends."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_start": load_average(),
        "commit": git_commit(),
        "uvloop": _version("uvloop"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "greenlet": _version("greenlet"),
        "gevent": _version("gevent"),
        "gevent_loop": _gevent_loop(),
        "psutil": _version("psutil"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
    }
