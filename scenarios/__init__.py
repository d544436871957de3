"""The scenario registry: every folder here with a spec is a scenario.

Each scenario folder holds its spec (__init__.py) and one file per model:
greenlet_fibers.py, gevent_hub.py, asyncio_tasks.py. Read the three side by side.
"""

import importlib
import pkgutil
from pathlib import Path

_HERE = Path(__file__).parent


def names():
    return sorted(info.name for info in pkgutil.iter_modules([str(_HERE)]) if info.ispkg)


def load(name):
    """The spec module of scenario `name` (raises KeyError if there is none)."""
    if name not in names():
        raise KeyError(name)
    return importlib.import_module(f"scenarios.{name}")
