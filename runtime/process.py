"""The runtime a process runs on, handed on to the processes it starts for the same run.

A worker runs one model: adopt() loads the model's runtime ("module:object",
runtime/contract.py) and calls the model's setup ("module:function", e.g.
uvloop's loop for the asyncio files), and writes both to the environment. A
process started for the same run (connections' split mode: the clients in a
child process) calls inherit() and runs on the same runtime, set up the same
way, so both sides of a run differ only in where they run. side() says what
ran in this process, for the result to show per process.
Contract: adopt() before the model's scenario module is imported, once per process.
"""

import gc
import importlib
import os
import select

from runtime.contract import class_name

RUNTIME_ENV = "FIBERLAB_RUNTIME"  # "module:object" of the runtime adopted
SETUP_ENV = "FIBERLAB_RUNTIME_SETUP"  # "module:function" called once it was loaded, or ""


def load(path):
    """The object a "module:name" path names."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def adopt(runtime_path, setup_path=""):
    """Load the runtime, call the setup, and note both for the processes this one starts."""
    runtime = load(runtime_path)
    if setup_path:
        load(setup_path)()
    os.environ[RUNTIME_ENV] = runtime_path
    os.environ[SETUP_ENV] = setup_path
    return runtime


def inherit(gc_enabled=True):
    """In a process started for the parent's run: the parent's runtime, set up as
    the parent's was and prepared, the garbage collector as the parent had it;
    None if the parent adopted none (a caller that ran the scenario itself)."""
    if not gc_enabled:
        gc.disable()
    path = os.environ.get(RUNTIME_ENV)
    if not path:
        return None
    runtime = adopt(path, os.environ.get(SETUP_ENV, ""))
    runtime.prepare()
    return runtime


def side(runtime):
    """What runs this process's units, during a run on `runtime`: its class, its
    scheduler_name() (for asyncio: the loop's class, asyncio's or uvloop's), the
    setup adopt() called, whether the garbage collector is on, and the process."""
    return {
        "pid": os.getpid(),
        "runtime": class_name(runtime),
        "scheduler": runtime.scheduler_name(),
        "setup": os.environ.get(SETUP_ENV) or None,
        "gc": gc.isenabled(),
    }


def write_all(fd, data):
    """Write every byte of `data` to fd, whatever its blocking mode: libuv (uvloop) turns the
    descriptors it touches non-blocking, and may do so to a pipe shared with this process
    again after we set it back, so a write that would block waits for the reader instead
    of cutting the report short."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            select.select([], [fd], [])
