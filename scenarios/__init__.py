"""The scenario registry: every folder here with a spec is a scenario.

Each scenario folder holds its spec (__init__.py, which builds a scenarios.spec.Spec
as SPEC) and the file each model runs (fiberlab/models.py names it): five Python
files, greenlet_fibers.py, gevent_hub.py, asyncio_tasks.py (asyncio, and uvloop
too), coroutines_bare.py and threads.py, and in four scenarios two C++ ones for the
native models, cpp_coroutines.cpp and cpp_fibers.cpp. Read them side by side: they
differ only in how each model suspends.
"""

import importlib
import pkgutil
from pathlib import Path

_HERE = Path(__file__).parent


def names():
    return sorted(info.name for info in pkgutil.iter_modules([str(_HERE)]) if info.ispkg)


def load(name):
    """The Spec of scenario `name` (raises KeyError if there is none)."""
    if name not in names():
        raise KeyError(name)
    return importlib.import_module(f"scenarios.{name}").SPEC
