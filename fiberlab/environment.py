"""What machine and software a result was measured on."""

import os
import platform
from importlib import metadata


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


def describe():
    return {
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
