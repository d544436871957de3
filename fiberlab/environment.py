"""What machine and software a result was measured on (fiberlab/result.py Environment)."""

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


def _commit():
    """The checkout's HEAD, or None (an installed copy, no git)."""
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def load():
    """The load average now: [1, 5, 15 minutes]."""
    return [round(value, 2) for value in os.getloadavg()]


def now():
    """The date and time now, UTC, ISO 8601 to the second."""
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def describe():
    """The interpreter, the packages, the machine and the commit (as a dict: another
    interpreter reports its own through this, as JSON)."""
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "greenlet": _version("greenlet"),
        "gevent": _version("gevent"),
        "gevent_loop": _gevent_loop(),
        "psutil": _version("psutil"),
        "uvloop": _version("uvloop"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "commit": _commit(),
    }


def busy_warning(environment):
    """One line when the load average at the start (an Environment's load_start) exceeded the cores
    (the timed values then shared the machine: wall time stretches, CPU time much less), else None."""
    load, cores = environment.load_start, environment.cores
    if not load or not cores or load[0] <= cores:
        return None
    return f"warning: load average {load[0]:.2f} at the start exceeds the {cores} cores (docs/timing.md: what holds)"
