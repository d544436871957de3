"""The models a scenario can run on. A model id is all the CLI needs to know.

Each model names the file it runs in a scenario folder, the runtime it runs
on (an object implementing runtime/contract.py: the worker, the probe and
--trace reach the model only through it), and which side of the stack
question it is on.
Native models (C++, see fiberlab/native.py) have `native` set: their file is
`<file>.cpp`, built by the lab and run as a binary instead of the Python worker.
Test-only models come from the module named in $FIBERLAB_EXTRA_MODELS (a
module with a MODELS dict), so the tests can add a model that lies, crashes
or hangs without the CLI offering it to users.
"""

import ast
import importlib
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Model:
    id: str
    file: str  # module in scenarios/<name>/, or a full dotted path for test models
    # "module:object": the runtime (runtime.contract.Runtime) the model's files run on; "" for native models
    runtime: str
    stack: str  # "stackful" or "stackless"
    scheduler: str  # "own scheduler", "production runtime", "kernel scheduler" (OS threads) or "native"
    setup: str = ""  # "module:function" the worker calls first (e.g. choose a loop)
    # "module:function" given (this model's scenario module, params): None, or one line
    # saying why the model will not run that size (a limit of its own, e.g. threads alive)
    refuses: str = ""
    # A native model: which runtime of fiberlab/cpp/ it runs on ("coroutines", "fibers", "ucontext"); "" for Python.
    native: str = ""
    # A native model whose ns per op is the floor the table divides every row by (not glibc's swapcontext).
    floor: bool = False

    @property
    def source_name(self):
        """The file this model runs in a scenario folder, as a reader would look for it."""
        return f"{self.file}.cpp" if self.native else f"{self.file}.py"

    def load_runtime(self):
        """The runtime object, imported only now (the worker imports no other model's runtime)."""
        return load_function(self.runtime)

    def module_name(self, scenario):
        return self.file if "." in self.file else f"scenarios.{scenario}.{self.file}"

    def has_file(self, scenario):
        """Whether this model has its file in the scenario's folder (a test model always does)."""
        if self.native:
            return (Path(__file__).resolve().parent.parent / "scenarios" / scenario / self.source_name).is_file()
        return "." in self.file or importlib.util.find_spec(self.module_name(scenario)) is not None

    def mechanism(self, scenario):
        """The MECHANISM string the model's file declares (how it hands control over in
        this scenario), or None. Read from the source, not imported: the harness
        process must not import gevent or start a loop for a model it only describes."""
        if self.native:  # a C++ file declares it in a comment line: // MECHANISM = "..."
            path = Path(__file__).resolve().parent.parent / "scenarios" / scenario / self.source_name
            return declared_mechanism(path) if path.is_file() else None
        found = importlib.util.find_spec(self.module_name(scenario))
        if found is None or not found.origin or not found.origin.endswith(".py"):
            return None
        return declared_mechanism(found.origin)

    def refusal(self, scenario, params):
        """None if this model takes the run, else one line saying why not (checked before any run)."""
        if not self.refuses or self.native:
            return None
        return load_function(self.refuses)(importlib.import_module(self.module_name(scenario)), params)


MODELS = {
    "greenlet": Model("greenlet", "greenlet_fibers", "fibers.scheduler:RUNTIME", "stackful", "own scheduler"),
    "gevent": Model("gevent", "gevent_hub", "fibers.gevent_glue:RUNTIME", "stackful", "production runtime"),
    "asyncio": Model("asyncio", "asyncio_tasks", "coroutines.runner:RUNTIME", "stackless", "production runtime"),
    "coroutines": Model("coroutines", "coroutines_bare", "coroutines.bare:RUNTIME", "stackless", "own scheduler"),
    # The asyncio files, unchanged, on uvloop's event loop: a runner option, not new scenario files.
    "uvloop": Model("uvloop", "asyncio_tasks", "coroutines.runner:RUNTIME", "stackless", "production runtime",
                    setup="coroutines.runner:use_uvloop"),
    # A row of its own in the 2x2's margin: an OS stack per unit, and the kernel as the scheduler.
    "threads": Model("threads", "threads", "os_threads.kernel:RUNTIME", "stackful", "kernel scheduler",
                     refuses="os_threads.kernel:refusal"),
    # The native floor: the same scenarios in C++ (scenarios/<name>/cpp_*.cpp), the interpreter out of the way.
    "cpp_coroutines": Model("cpp_coroutines", "cpp_coroutines", "", "stackless", "native", native="coroutines",
                            floor=True),
    "cpp_fibers": Model("cpp_fibers", "cpp_fibers", "", "stackful", "native", native="fibers", floor=True),
}

# Models a user names to see them, never run by default: cpp_fibers' files switched by glibc's
# swapcontext, to show what a signal-mask system call per switch costs next to the floor.
EXTRA_MODELS = {
    "cpp_ucontext": Model("cpp_ucontext", "cpp_fibers", "", "stackful", "native", native="ucontext"),
}


class ExtraModelsError(ValueError):
    """$FIBERLAB_EXTRA_MODELS names no usable module; the message is one line."""


def all_models():
    models = dict(MODELS, **EXTRA_MODELS)
    extra = os.environ.get("FIBERLAB_EXTRA_MODELS")
    if extra:
        try:
            extra_models = importlib.import_module(extra).MODELS
        # SystemExit too: a module that exits while imported must not end the run with "success"
        except (Exception, SystemExit) as exc:  # noqa: BLE001 - any failure to import it is the same bad setting
            raise ExtraModelsError(f"FIBERLAB_EXTRA_MODELS={extra!r}: cannot use it "
                                   f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
        if not isinstance(extra_models, dict) or not all(isinstance(model, Model) for model in extra_models.values()):
            raise ExtraModelsError(f"FIBERLAB_EXTRA_MODELS={extra!r}: its MODELS is not a dict of Model")
        models.update(extra_models)
    return models


NATIVE_MECHANISM = re.compile(r'^// MECHANISM = "([^"]+)"', re.MULTILINE)


def declared_mechanism(path):
    """The module-level `MECHANISM = "..."` of a Python file (or the `// MECHANISM = "..."`
    line of a C++ file), or None."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if str(path).endswith(".cpp"):
        found = NATIVE_MECHANISM.search(text)
        return found.group(1) if found else None
    tree = ast.parse(text, filename=path)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and [getattr(target, "id", None) for target in node.targets] == ["MECHANISM"]
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    return None


def load_function(path):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
