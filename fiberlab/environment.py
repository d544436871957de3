"""What machine and software a result was measured on (fiberlab/result.py Environment)."""

import datetime
import os
import platform
import subprocess
import time
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


BUSY_SAMPLE_S = 0.1  # /proc/stat counts in 10 ms ticks: 10 per core in a sample, enough to tell idle from busy


def _cpu_ticks():
    """(busy, all) ticks of every core since boot, from /proc/stat's first line; None where unreadable."""
    try:
        with open("/proc/stat") as handle:
            fields = [int(field) for field in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    # user nice system idle iowait irq softirq steal (guest time is inside user): all but idle and
    # iowait is busy, steal too (the hypervisor gave our core to someone else: contention all the same)
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle, sum(fields[:8])


def busy_cores(sample_s=BUSY_SAMPLE_S):
    """How many cores' worth of CPU the machine used over the next sample_s (0 idle .. cores),
    or None where /proc/stat is not readable. Unlike the load average, a decaying 1-minute mean
    that still counts work that ended (10,000 threads just joined read as a load of 100+), this
    is the machine now."""
    before = _cpu_ticks()
    time.sleep(sample_s)
    after = _cpu_ticks()
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round((after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1), 2)


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
    (the timed values then shared the machine: wall time stretches, CPU time much less), with how
    busy the cores really were then (busy_start) where recorded, else None."""
    load, cores, busy = environment.load_start, environment.cores, environment.busy_start
    if not load or not cores or load[0] <= cores:
        return None
    line = f"warning: load average {load[0]:.2f} at the start exceeds the {cores} cores"
    if busy is None:
        return f"{line} (see docs/timing.md)"
    return f"{line} ({busy:.1f} of them busy; docs/timing.md)"
