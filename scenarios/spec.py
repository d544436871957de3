"""What a scenario spec declares, and how command-line values become parameters.

A spec module (scenarios/<name>/__init__.py) defines:
  SUMMARY      one line: what the scenario shows
  PARAMS       a tuple of Param: name, default, limits, one-line help
  ops(params)  how many suspend/resume operations a run performs
  reference(params)  the result, computed with no concurrency at all
  SMALL        parameter overrides for a quick correctness check (the tests)
and optionally:
  TASK_COUNT   (param name, units per value): the parameter that sets how many
               tasks are alive, so the harness can fit memory per task as a slope
  IDLE         parameter overrides that make the memory-slope runs cheap
  slope_counts(params)  the two task counts of the memory-slope runs, where
               the default (500, 2,500) would be too heavy
  BASELINE     ("module:function", column, description): the floor under the
               scenario, which the worker times in the same process after each timed
               run: function(params) -> ns per op of the same work done the barest way
               (no scheduler, no runtime); the table shows ns/op over it in `column`
  TIME_BY      the parameter a timed value may be made shorter by, when a run at the
               requested size lasts longer than a value needs: only a pure repetition
               count of the same step (rounds, items, suspensions, ticks), never a scale
               or concurrency parameter (connections, leaves, tasks, pairs, depth), which
               is timed at the requested size; the result is still checked at the
               requested size (harness/pipeline.py timed_params), and the JSON's
               timing.params says what was timed
  timed_size(value, params)  a smaller TIME_BY value made large enough to time the same thing
  TIME_BY_REPEATS  True when TIME_BY only repeats a step, so what is alive at once
               does not depend on it: the tracemalloc run may then use the timed size
  summarize(result)  JSON data from the result worth printing beside its digest
  recursion_limit(params)  the recursion limit the worker must set first
  fds_needed(params)  file descriptors the busiest process holds; the harness checks
               it against the open-file limit before a run (harness/fd_budget.py)
               and, if the spec has a bool param `split`, turns it on when needed
  SERVER       a package with a module per model file, each with
               `serve_forever(port, ready, stop)`: the model's server alone, for
               `python -m harness serve` (apart from the measured files)
  MEMORY_PER_TASK, memory_per_task(params), tasks_alive(params)
               what a live task costs per model, and how many are alive at the
               peak: the harness refuses a size that cannot fit (harness/memory_guard.py)
  explain_crash(model, params, signal_name)  one line for a crash that is a known
               finding rather than a bug (deep_chain: the C stack), or None
  MEASURED_LIMITS  lines `harness list` prints under the scenario (measured limits)
"""

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
                raise ParamError(f"{self.name} must be a decimal number such as 0.01, got {text!r}") from None
            self.check(value)  # also refuses nan and inf: neither lies between two finite limits
            return value
        digits = text.replace("_", "").lstrip("+-")
        if digits.isdigit() and len(digits) > 30:  # int() refuses past 4,300 digits, which is no reason to say "not an integer"
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
        if name in given:  # as with --models and --python: a second value is a mistake, not an override
            raise ParamError(f"--param {name} is given twice; give each parameter once")
        given.add(name)
        params[name] = by_name[name].parse(text.strip())
    return params
