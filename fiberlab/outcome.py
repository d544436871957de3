"""What one worker run reports back to the pipeline: fiberlab/worker.py (or a native
binary, through fiberlab/native.py adapt) writes Outcome.to_json(), pipeline.run_worker
reads it back with from_json. A process-internal message, not a results file: it has no
schema version (both sides are the same checkout), and unknown fields are refused as in
fiberlab/result.py. Which fields a pass fills is fiberlab/worker.py's docstring.
"""

from dataclasses import dataclass, field

from fiberlab.result import Schema, Stack, nested


@dataclass(kw_only=True)
class Outcome(Schema):
    status: str  # "ok", "unsupported", "error", "timeout", "crashed"
    error: str | None = None  # one line, when not ok
    # check, traced and memory passes: one run
    digest: str | None = None
    result_preview: str | None = None  # the canonical result's first 200 characters
    result_summary: dict | None = None
    wall_s: float | None = None
    cpu_s: float | None = None
    gc: str | None = None
    gc_s: float | None = None
    gc_collections: int | None = None
    peak_rss_bytes: int | None = None
    start_rss_bytes: int | None = None
    peak_rss_above_start_bytes: int | None = None
    rss_delta_bytes: int | None = None
    uss_delta_bytes: int | None = None
    traced_peak_bytes: int | None = None
    stack: Stack | None = nested(Stack)
    records: dict | None = None
    notes: list = field(default_factory=list)
    switches: list | None = None  # --trace: [[origin, target], ...]
    # time pass: the values
    digests: list | None = None  # every distinct result digest of the timed runs
    warmup_digest: str | None = None  # the warm-up's, when it ran at other parameters
    wall_values: list | None = None
    cpu_values: list | None = None
    loops: int | None = None
    involuntary_switches: list | None = None  # per value: the kernel's preemptions of this process
    floor: dict | None = None  # the floor's values beside them (worker.py Floor.outcome), or None
    # shared pass: {model id: {"wall_values", "cpu_values", "digests"}}
    models: dict | None = None
    # set by the pipeline, not the worker
    stdout: str | None = None  # what the run printed
    signal: str | None = None  # the signal that killed the worker

    @property
    def ok(self):
        return self.status == "ok"


def out_of_memory(limit_bytes, how):
    """The one line every model's running out of memory reads as, whatever showed it (`how`):
    Python's MemoryError, C++'s std::bad_alloc, a thread that could not start, a worker that
    died of a signal under the cap. limit_bytes: the job's --memory-limit, or None."""
    where = f" (address-space limit {limit_bytes / 2**20:,.0f} MiB)" if limit_bytes else ""
    return f"out of memory{where}: {how}"
