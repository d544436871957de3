"""What a scenario spec declares, and how command-line values become parameters.

Each scenario's __init__.py builds one Spec (below) as `SPEC`; scenarios.load(name)
returns it. Every field is explicit: an optional one is None (False for a flag, ()
for a list of lines) when the scenario does not use it, so the harness reads
`spec.FIELD is not None`, never hasattr. The scenario module itself keeps the helpers
its model files import (constants, result builders, probes' clocks).
"""

from collections.abc import Callable
from dataclasses import dataclass


class ParamError(ValueError):
    """A parameter value a user gave is not acceptable; the message is one line."""


class Unsupported(Exception):
    """Raised by a model for a run it cannot express at all (a stackless model asked
    to suspend through a C frame). A result, not a failure: the worker reports the
    status "unsupported" with this message, which carries the runtime's own exception."""

    @classmethod
    def because(cls, exc):
        """An Unsupported whose message is `exc` as the runtime raised it: "Type: text"."""
        return cls(f"{type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class Param:
    name: str
    default: int
    minimum: int
    maximum: int
    help: str
    kind: type = int  # int, float (a decimal such as 0.01), bool, or str (one of `choices`)
    choices: tuple = ()  # the words a str parameter accepts; minimum and maximum are None then

    def parse(self, text):
        if self.kind is str:
            self.check(text)
            return text
        if self.kind is bool:
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ParamError(f"{self.name} must be true or false, got {text!r}")
        if self.kind is float:
            try:
                value = float(text.replace("_", ""))
            except ValueError:
                raise ParamError(f"{self.name} must be a decimal number such as 0.01, "
                                 f"got {text!r}") from None
            self.check(value)  # also refuses nan and inf: neither lies between two finite limits
            return value
        digits = text.replace("_", "").lstrip("+-")
        # int() refuses past 4,300 digits, which is no reason to say "not an integer"
        if digits.isdigit() and len(digits) > 30:
            raise ParamError(f"{self.name} must be between {self.minimum:,} and {self.maximum:,}, "
                             f"got a {len(digits):,}-digit number")
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise ParamError(f"{self.name} must be an integer, got {text!r}") from None
        self.check(value)
        return value

    def check(self, value):
        if self.kind is str and value not in self.choices:
            raise ParamError(f"{self.name} must be one of {'|'.join(self.choices)}, got {value!r}")
        if self.kind in (int, float) and not self.minimum <= value <= self.maximum:
            raise ParamError(
                f"{self.name} must be between {self.minimum:,} and {self.maximum:,}, got {value:,}"
            )

    def describe_limits(self):
        if self.kind is bool:
            return "true|false"
        if self.kind is str:
            return "|".join(self.choices)
        return f"{self.minimum:,}..{self.maximum:,}"



# eq=False: a spec is one object per scenario, compared (and hashed) by identity
@dataclass(frozen=True, eq=False)
class Spec:
    """A scenario as the harness sees it. Field names are the ones the harness reads
    (PARAMS, TASK_COUNT, reference(params), ...); constants are upper case, functions
    lower case. The invariants between fields are checked when a Spec is built
    (__post_init__), so a scenario that breaks one fails at import, not mid-run."""

    # --- every scenario
    name: str  # the folder's name: scenarios/<name>/
    SUMMARY: str  # one line: what the scenario shows
    PARAMS: tuple  # of Param: name, default, limits, one-line help
    ops: Callable  # ops(params) -> int: how many suspend/resume operations a run performs
    reference: Callable  # reference(params): the result, computed with no concurrency at all
    SMALL: dict  # parameter overrides for a quick correctness check (the tests)

    # --- memory per task, fitted as a slope over the task count
    # (param name, units per value): the parameter that sets how many tasks are alive
    TASK_COUNT: tuple | None = None
    IDLE: dict | None = None  # parameter overrides that make the memory-slope runs cheap
    # slope_counts(params) -> (small, large): the two task counts of the memory-slope runs,
    # where the default (500, 2,500; fiberlab/pipeline.py SLOPE_COUNTS) would be too heavy
    slope_counts: Callable | None = None

    # --- timing
    # ("module:function", column, description): the floor under the scenario, the same work done
    # the barest way (no scheduler, no runtime), which the worker times as it times a value, one
    # floor value after each of the model's: function(params, timed) sets up, runs its loop
    # inside `with timed:` and returns the ops that loop performed; the table shows ns/op over
    # it in `column`
    BASELINE: tuple | None = None
    # True when a run waits on timers or sockets (sleeps, timeouts, I/O): CPU time leaves the
    # waiting out, so its timings are judged on wall time (docs/timing.md, "Clocks")
    WAITS: bool = False
    # The parameter a timed value may be made shorter by, when a run at the requested size lasts
    # longer than a value needs: only a pure repetition count of the same step (rounds, items,
    # suspensions, ticks), never a scale or concurrency parameter (connections, leaves, tasks,
    # pairs, depth), which is timed at the requested size; the result is still checked at the
    # requested size (fiberlab/timing_plan.py timed_params), and the JSON's timing.params says
    # what was timed
    TIME_BY: str | None = None
    # timed_size(value, params) -> int: a smaller TIME_BY value made large enough to time the same
    # thing
    timed_size: Callable | None = None
    # True when TIME_BY only repeats a step, so what is alive at once does not depend on it:
    # the tracemalloc run may then use the timed size
    TIME_BY_REPEATS: bool = False
    # (record, quantile, label): where time per op means little (the run mostly waits), the figure
    # the table's time column and verdict show instead: that record's quantile from the check run,
    # lower is better (fairness: ("lateness_s", "p99", "p99 lateness"))
    HEADLINE: tuple | None = None

    # --- what the worker does around a run
    # summarize(result): JSON data worth printing beside its digest
    summarize: Callable | None = None
    # recursion_limit(params): the limit the worker sets first
    recursion_limit: Callable | None = None
    # explain_crash(model, params, signal_name): one line for a crash that is a known finding
    # rather than a bug (deep_chain: the C stack), or None
    explain_crash: Callable | None = None

    # --- limits checked before a run
    # fds_needed(params): file descriptors the busiest process holds; the harness checks it
    # against the open-file limit before a run (fiberlab/fd_budget.py) and, if the spec has a
    # bool param `split`, turns it on when needed
    fds_needed: Callable | None = None
    # What a live task costs per model, {model id: bytes} (or memory_per_task(params) -> the same,
    # when it grows with a parameter), and tasks_alive(params): how many are alive at the peak;
    # the harness refuses a size that cannot fit (fiberlab/memory_guard.py)
    MEMORY_PER_TASK: dict | None = None
    memory_per_task: Callable | None = None
    tasks_alive: Callable | None = None
    # refusal(model_id, params): None if the model takes this run, else one line saying why not,
    # for a size beyond what the model was measured to survive (deep_chain via=c: its C stack);
    # the harness treats it as Model.refusal (fiberlab/selection.py)
    refusal: Callable | None = None

    # --- elsewhere
    # A package with a module per model file, each with `serve_forever(port, ready, stop)`: the
    # model's server alone, for `python -m fiberlab serve` (apart from the measured files)
    SERVER: str | None = None
    MEASURED_LIMITS: tuple = ()  # lines `fiberlab list` prints under the scenario (measured limits)

    def __post_init__(self):
        problem = self.problem()
        if problem:
            raise ValueError(f"scenario {self.name}: {problem}")

    def param(self, name):
        """The Param called `name` (KeyError if there is none)."""
        for param in self.PARAMS:
            if param.name == name:
                return param
        raise KeyError(name)

    def problem(self):
        """None, or what breaks an invariant between the fields (one line)."""
        if not self.PARAMS or not all(isinstance(param, Param) for param in self.PARAMS):
            return "PARAMS must be a non-empty tuple of Param"
        names = [param.name for param in self.PARAMS]
        if len(set(names)) != len(names):
            return "two PARAMS share a name"
        for field_name in ("SMALL", "IDLE"):
            unknown = set(getattr(self, field_name) or {}) - set(names)
            if unknown:
                return f"{field_name} names no parameter: {', '.join(sorted(unknown))}"
        task_count = self.TASK_COUNT
        if task_count is not None and (len(task_count) != 2 or task_count[0] not in names):
            return "TASK_COUNT must be (a parameter's name, units per value)"
        if (self.IDLE is not None or self.slope_counts is not None) and self.TASK_COUNT is None:
            return "IDLE and slope_counts shape memory-slope runs, which need TASK_COUNT"
        if self.TIME_BY is not None and self.TIME_BY not in names:
            return f"TIME_BY names no parameter: {self.TIME_BY}"
        if (self.timed_size is not None or self.TIME_BY_REPEATS) and self.TIME_BY is None:
            return "timed_size and TIME_BY_REPEATS qualify TIME_BY, which is not set"
        if self.BASELINE is not None and (len(self.BASELINE) != 3 or ":" not in self.BASELINE[0]):
            return "BASELINE must be (\"module:function\", column, description)"
        if self.MEMORY_PER_TASK is not None and self.memory_per_task is not None:
            return "MEMORY_PER_TASK and memory_per_task say the same thing: give one"
        per_task = self.MEMORY_PER_TASK is not None or self.memory_per_task is not None
        if per_task != (self.tasks_alive is not None):
            return "a memory cost per task and tasks_alive go together"
        return None

def resolve(spec, scenario_name, assignments):
    """Defaults overlaid with `assignments` (a list of "name=value" strings)."""
    params = {param.name: param.default for param in spec.PARAMS}
    by_name = {param.name: param for param in spec.PARAMS}
    given = set()
    for assignment in assignments:
        name, sep, text = assignment.partition("=")
        if not sep or not name:
            raise ParamError(f"--param needs NAME=VALUE, got {assignment!r}")
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise ParamError(f"unknown parameter {name!r} for {scenario_name} (known: {known})")
        # as with --models and --python: a second value is a mistake, not an override
        if name in given:
            raise ParamError(f"--param {name} is given twice; give each parameter once")
        given.add(name)
        params[name] = by_name[name].parse(text.strip())
    return params
