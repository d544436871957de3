"""The result schema: what a run, a sweep and a lab sweep file hold, as dataclasses.

Every result the lab writes goes through here: pipeline.py builds a Result, `--json`,
`fiberlab sweep --json` and the lab's sweeps write `to_json()`, and whatever reads a file
back (the report, compare) calls `from_json()`. docs/result-schema.md describes each field.

Contract:
- to_json() gives plain JSON data (dicts, lists, numbers, strings, None) holding every
  field, None as null; from_json(to_json(x)) == x, and to_json(from_json(data)) == data
  for any data to_json() wrote.
- The top-level objects (Result, Runs, Sweep, LabSweep) carry "schema": SCHEMA_VERSION.
  from_json() of data with another version, or none (the format before versions),
  raises SchemaVersionError, whose message is one line naming both versions.
- A field missing from the data takes its default (so a field added with a default
  reads files written before it); a field the schema does not know raises SchemaError
  (one line): a renamed or removed field is a new SCHEMA_VERSION.
- `records`, `params`, `result_summary` and the sweep's `slopes` are scenario-specific:
  plain dicts, not typed here.
"""

import dataclasses
from dataclasses import dataclass, field

SCHEMA_VERSION = 1


class SchemaError(ValueError):
    """Data that is not a result of this schema; the message is one line."""


class SchemaVersionError(SchemaError):
    """Data written by another version of the schema; the message is one line naming both."""


def nested(kind, many=None, **default):
    """A field holding KIND objects: one (many=None), or a list or a dict of them (many=list/dict).
    default: the dataclass default (default=... or default_factory=...); None unless given."""
    if not default:
        default = {"default": None}
    return field(metadata={"kind": kind, "many": many}, **default)


class Schema:
    """to_json/from_json for a dataclass whose nested fields are declared with nested()."""

    def to_json(self):
        data = {}
        for one in dataclasses.fields(self):
            value, kind = getattr(self, one.name), _kind(one)
            if kind is None or value is None:
                data[one.name] = value
            elif one.metadata["many"] is list:
                data[one.name] = [item.to_json() for item in value]
            elif one.metadata["many"] is dict:
                data[one.name] = {key: item.to_json() for key, item in value.items()}
            else:
                data[one.name] = value.to_json()
        return data

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict):
            raise SchemaError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
        known = {one.name: one for one in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise SchemaError(f"{cls.__name__}: unknown field {unknown[0]!r} (a file of another schema?)")
        values = {}
        for name, value in data.items():
            kind, many = _kind(known[name]), known[name].metadata.get("many")
            if kind is None or value is None:
                values[name] = value
            elif many is list:
                values[name] = [kind.from_json(item) for item in _typed(cls, name, value, list)]
            elif many is dict:
                values[name] = {key: kind.from_json(item) for key, item in _typed(cls, name, value, dict).items()}
            else:
                values[name] = kind.from_json(value)
        try:
            return cls(**values)
        except TypeError:
            missing = [one.name for one in known.values() if one.name not in values
                       and one.default is dataclasses.MISSING and one.default_factory is dataclasses.MISSING]
            raise SchemaError(f"no {missing[0]} in {cls.__name__}") from None


def _kind(one):
    """The Schema class a field holds, or None for plain JSON; a name (a class that holds
    itself, as Environment does) is looked up here."""
    kind = one.metadata.get("kind")
    return globals()[kind] if isinstance(kind, str) else kind


def _typed(cls, name, value, kind):
    if not isinstance(value, kind):
        raise SchemaError(f"{cls.__name__}.{name}: expected a JSON {'array' if kind is list else 'object'}")
    return value


def check_version(data):
    """Raise SchemaVersionError unless DATA (a top-level object) says it is of SCHEMA_VERSION."""
    if not isinstance(data, dict):
        raise SchemaError(f"expected a JSON object, got {type(data).__name__}")
    version = data.get("schema")
    if version != SCHEMA_VERSION:
        said = "no schema version (written before versions)" if version is None else f"schema version {version!r}"
        raise SchemaVersionError(f"{said}; this fiberlab reads schema version {SCHEMA_VERSION}")


class Versioned(Schema):
    """A top-level object: its data says which schema version wrote it (the field `schema`)."""

    @classmethod
    def from_json(cls, data):
        check_version(data)
        return super().from_json(data)


@dataclass(kw_only=True)
class Summary(Schema):
    """Pooled values of one quantity (fiberlab/stats.py summary): seconds per run."""
    mean: float | None = None
    stdev: float | None = None  # None for a single value
    median: float | None = None
    min: float | None = None
    max: float | None = None
    center: float | None = None  # the geometric mean: the central value the figures use
    ci95: list | None = None  # [low, high] of the center, on the log scale; None for a single value
    ci_unit: str | None = None  # "process" (the processes differed) or "value": the interval's unit
    values: list = field(default_factory=list)  # every value, in the order taken (Timing.value_processes)
    processes: int | None = None  # how many worker processes gave them

    def to_json(self):
        # "runs": the name earlier readers use for the same list.
        return dict(super().to_json(), runs=self.values)

    @classmethod
    def from_json(cls, data):
        if isinstance(data, dict) and "runs" in data:
            data = dict(data)
            runs = data.pop("runs")
            data.setdefault("values", runs)
        return super().from_json(data)


@dataclass(kw_only=True)
class Timing(Schema):
    """How the timed values were taken."""
    plan: str | None = None  # the Plan's name ("fast", "default", ...), or "trace"
    processes: int | None = None  # timed worker processes
    values_per_process: int | None = None
    loops: int | None = None  # back-to-back runs averaged into one value
    params: dict | None = None  # the parameters the timed values ran at (may be smaller than the run's)
    ops: int | None = None  # operations in one run at `params`: ns_per_op divides by it
    unit: str | None = None  # what one value is
    warmup_params: dict | None = None  # where each timed process warmed up, when not at `params`
    value_processes: list = field(default_factory=list)  # per value of wall_s/cpu_s: the process (1-based)
    clock: str | None = None  # "cpu" or "wall": what ns_per_op and the verdicts read (docs/timing.md)
    involuntary_switches: list | None = None  # per value: the kernel's preemptions (None: not counted)
    disturbed: int | None = None  # values preempted more than timing_plan.DISTURBED_SWITCHES_PER_S a second


@dataclass(kw_only=True)
class Memory(Schema):
    """Memory of the check run (its own fresh process), the tracemalloc run, and the slope."""
    peak_rss_bytes: int | None = None  # the worker's VmHWM
    peak_rss_above_start_bytes: int | None = None  # that peak above its RSS just before run()
    rss_delta_bytes: int | None = None  # RSS at the probe less RSS before run()
    uss_delta_bytes: int | None = None  # the same for USS
    traced_peak_bytes: int | None = None  # tracemalloc's peak, in a run of its own
    traced_params: dict | None = None  # the parameters of that run
    bytes_per_task: float | None = None  # USS slope across task counts; None without two points
    bytes_per_task_points: list = field(default_factory=list)  # [[tasks alive, USS delta bytes], ...]


@dataclass(kw_only=True)
class Stack(Schema):
    """What one suspended task holds, in labelled parts (fiberlab/probe.py summarize), per task."""
    tasks: int | None = None  # units the probe saw suspended
    frames_per_task: float | None = None
    c_stack_bytes_per_task: float | None = None  # C stack greenlet copied to the heap (or a native fiber's in use)
    c_stack_bytes_min: float | None = None
    c_stack_bytes_max: float | None = None
    frame_bytes_per_task: float | None = None  # Python frames / coroutine objects
    c_stack_reserved_bytes_per_task: float | None = None  # a thread's reserved stack: address space, not memory
    stack_reserved_bytes_per_task: float | None = None  # native fiber: bytes mapped for its stack
    stack_touched_bytes_per_task: float | None = None  # native fiber: bytes of its stack resident
    runtime_bytes_per_task: float | None = None  # native: the runtime's own object per task (sizeof)
    allocator_bytes_per_task: float | None = None  # native coroutine: frame bytes operator new counted, per live task
    allocator_frame_bytes_live: float | None = None  # native coroutine: those bytes in all
    allocator_frames_live: int | None = None  # native coroutine: frames alive


@dataclass(kw_only=True)
class Kind(Schema):
    """Where a model sits in the 2x2."""
    stack: str | None = None  # "stackful" / "stackless" / ...
    scheduler: str | None = None  # "own scheduler" / "production runtime" / ...


@dataclass(kw_only=True)
class ModelEntry(Schema):
    """One model's result in one run. A failed model (status other than "ok") has
    error set and no timing, memory or stack."""
    status: str  # "ok", "unsupported" (cannot express the run: a finding), "mismatch", "error", "timeout", "crashed"
    error: str | None = None  # one line, when not ok
    digest: str | None = None  # of the check run's result (a mismatch: the wrong one)
    ops: int | None = None  # operations at the run's params
    wall_s: Summary | None = nested(Summary)  # seconds per run at timing.params
    cpu_s: Summary | None = nested(Summary)
    ns_per_op: float | None = None  # the center of wall_s or cpu_s (timing.clock) / timing.ops
    ns_per_op_ci95: list | None = None  # its 95% interval
    noisy: bool | None = None  # the values spread too much to tell small differences (fiberlab/stats.py)
    timing: Timing | None = nested(Timing)
    gc_s: float | None = None  # time in garbage collections during the check run
    gc_share: float | None = None  # gc_s over the check run's wall time
    memory: Memory | None = nested(Memory)
    stack: Stack | None = nested(Stack)
    records: dict | None = None  # scenario-specific figures (latency percentiles, lateness, ...)
    notes: list = field(default_factory=list)  # lines a reader should see beside the row
    result_summary: dict | None = None  # what of the canonical result a reader wants to see
    baseline_ns_per_op: float | None = None  # the scenario's BASELINE floor, median over timed workers
    vs_baseline: float | None = None  # geometric mean of each value over the floor value timed beside it
    vs_baseline_ci95: list | None = None  # its 95% interval, from those pairs
    vs_baseline_noisy: bool | None = None
    floor_values: dict | None = None  # the floor's values: {"wall_ns_per_op", "cpu_ns_per_op", "involuntary_switches"}
    vs_floor: float | None = None  # ns_per_op over Result.floor's
    # Where the scenario splits a run (Result.marginal): the whole run and its fixed part, each
    # {"params", "ops", "wall_s", "cpu_s"} (summaries of seconds per run), the fixed part also with
    # "share_of_whole_run"; wall_s and cpu_s above then hold the rest, the marginal part
    parts: dict | None = None
    kind: Kind | None = nested(Kind)
    mechanism: str | None = None  # how this model's file hands control over
    model: str | None = None  # with --python: the model id (the key is "model@X.Y")
    python: str | None = None  # with --python: the interpreter version "X.Y"

    @property
    def ok(self):
        return self.status == "ok"


@dataclass(kw_only=True)
class Floor(Schema):
    """The fastest ok native row of a run: what vs_floor divides by."""
    model: str
    ns_per_op: float


@dataclass(kw_only=True)
class Environment(Schema):
    """What a result was measured on (fiberlab/environment.py)."""
    python: str | None = None
    implementation: str | None = None
    greenlet: str | None = None
    gevent: str | None = None
    gevent_loop: str | None = None
    psutil: str | None = None
    uvloop: str | None = None
    platform: str | None = None
    cpu: str | None = None
    cores: int | None = None
    commit: str | None = None  # the repository's HEAD, None outside a git checkout
    date: str | None = None  # UTC, ISO 8601, when the run started
    load_start: list | None = None  # os.getloadavg() when the run started: [1, 5, 15 min]
    load_end: list | None = None  # and when it ended
    busy_start: float | None = None  # cores' worth of CPU the machine used just before the run (environment.busy_cores)
    executable: str | None = None  # in interpreters: the interpreter that made that venv (fiberlab/interpreters.py)
    interpreters: dict | None = nested("Environment", dict)  # with --python: {"X.Y": Environment}


@dataclass(kw_only=True)
class Result(Versioned):
    """One scenario run on every model: `fiberlab run --json` writes one (or Runs)."""
    schema: int = SCHEMA_VERSION
    scenario: str
    params: dict  # the checked parameters
    plan: str | None = None  # the Plan's name, or "trace"
    gc: str = "on"  # "off": every worker disabled the garbage collector
    environment: Environment | None = nested(Environment)
    reference_digest: str | None = None
    match: bool = False  # no model failed and one ran ok
    models: dict = nested(ModelEntry, dict, default_factory=dict)  # {model id or "model@X.Y": ModelEntry}
    floor: Floor | None = nested(Floor)
    baseline_column: str | None = None  # the table's name for vs_baseline
    baseline: str | None = None  # what the baseline is
    task_count: list | None = None  # [param name, tasks per unit]
    # {"record", "quantile", "label"}: the figure the table shows instead of time per op (scenarios/spec.py HEADLINE)
    headline: dict | None = None
    # {"op", "fixed", "fixed_overrides"}: ns_per_op is the marginal cost of one op ("resume"), each value
    # less a run of the fixed part ("build and unwind") at timing.params with fixed_overrides (scenarios/spec.py
    # MARGINAL); null where ns_per_op is whole runs over their ops
    marginal: dict | None = None
    # Values of two models that took turns in one process (docs/timing.md, "Comparisons"):
    # [{"a", "b", "a_values": {"wall", "cpu"}, "b_values": ..., "process": [...]} or {"a", "b", "error"}]
    shared: list = field(default_factory=list)
    phases_s: dict | None = None  # where the run's time went: {phase: seconds}


@dataclass(kw_only=True)
class Runs(Versioned):
    """`fiberlab run all --json`: one Result per scenario."""
    schema: int = SCHEMA_VERSION
    runs: list = nested(Result, list, default_factory=list)


@dataclass(kw_only=True)
class Sweep(Versioned):
    """`fiberlab sweep --json`: one Result per point of the swept parameter."""
    schema: int = SCHEMA_VERSION
    scenario: str
    swept: str  # the parameter's name
    values: list = field(default_factory=list)  # its values, in order
    points: list = nested(Result, list, default_factory=list)  # the points finished so far
    gc: str = "on"
    slopes: dict | None = None  # {model: fit} (fiberlab/sweep.py slopes), None for a non-numeric parameter
    complete: bool = False  # false until the last point is in: the file of an interrupted sweep is partial


@dataclass(kw_only=True)
class LabPoint(Schema):
    """One point of a lab sweep: the swept value and its run."""
    value: object
    result: Result = nested(Result, default=None)


@dataclass(kw_only=True)
class LabSweep(Versioned):
    """results/<sweep>.json (fiberlab/lab/standard_sweeps.py), read by the report."""
    schema: int = SCHEMA_VERSION
    sweep: str
    scenario: str
    axis: str  # the swept parameter
    purpose: str | None = None
    command: str | None = None  # how to run it again
    plan: str | None = None
    repeat: int | None = None  # timed values per model and point
    tiny: bool = False
    points: list = nested(LabPoint, list, default_factory=list)
    stopped: str | None = None  # why an until-failure sweep stopped early

