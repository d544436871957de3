"""deep_chain — a task suspends at the bottom of a deep call chain; what does depth cost?

Each chain task calls `depth` nested levels, and below the last one a bottom
frame waits `suspensions` times for an offer from the driver task, folds it
into its checksum and hands the checksum back. When the bottom returns, every
level on the way up folds its own number into the value it passes up, so a
chain of the wrong depth returns a different result. `tasks` chains are alive
at once, all served in turn by one driver. One op is one exchange at the bottom.

Fibers call the levels as plain functions: only the bottom knows it suspends,
and a suspension leaves the whole chain where it is. asyncio needs `async def`
and `await` at every level, and every resume re-enters each level's coroutine.

With `via=c` each level calls the next through a C function (map's __next__
calls it), as real code calls through `map`, `sorted(key=...)`, C-implemented
decorators or an extension's callback. A fiber suspends through those C frames
as through Python ones, but greenlet must then copy them, C stack and all, on
every switch. A stackless model cannot suspend through a C frame at all: a
plain function called from C can only run a coroutine to its end in a loop of
its own, and the runtime refuses to nest one. That model raises
scenarios.spec.Unsupported with the runtime's own exception: the status
"unsupported", a result and not a failure.

Like for like, as in pingpong: the own-scheduler row hands over directly at
the bottom (greenlet "direct switch", coroutines "direct send"), so it differs
only in the stack model and shows what depth costs each; the runtime row goes
through each runtime's loop (gevent "channel via hub", asyncio "queue via
loop"). The floor (`vs bare`, BASELINE) is one bare greenlet exchanging with
its driver from the bottom of a chain of the same depth.
"""

from scenarios.spec import Param, Spec

SUMMARY = "a task suspends at the bottom of a D-deep call chain; cost of depth per resume"

PARAMS = (
    Param("depth", 100, 1, 100_000,
          "nested calls between a chain's top and the frame that suspends"),
    Param("suspensions", 10_000, 1, 10_000_000,
          "exchanges with the driver at the bottom of each chain"),
    Param("tasks", 1, 1, 100_000, "chains alive at once (the driver is one more task)"),
    Param("via", "python", None, None,
          "how each level calls the next: a Python call, or through a C function (map)",
          kind=str, choices=("python", "c")),
)

TASK_COUNT = ("tasks", 1)  # one task per chain; the driver is a constant
SMALL = {"depth": 50, "suspensions": 7, "tasks": 3}  # quick correctness check in the tests
IDLE = {"suspensions": 4}  # memory-slope runs need live chains, not long ones
TIME_BY = "suspensions"  # a shorter timed value resumes the same chains fewer times
# ...and nothing more is alive at once, so the tracemalloc run may use that size too
TIME_BY_REPEATS = True
# a run walks down each chain once; over 1,000 resumes that stays a small part
TIMED_SUSPENSIONS_MIN = 1_000


def timed_size(suspensions, params):
    """At least TIMED_SUSPENSIONS_MIN suspensions (or all there are) in a shorter timed value."""
    return max(suspensions, min(params["suspensions"], TIMED_SUSPENSIONS_MIN))
BASELINE = ("scenarios.deep_chain.bare_greenlets:exchanges", "vs bare",
            "the same exchange on one bare greenlet at the same depth "
            "(deep_chain/bare_greenlets.py)")

MASK = (1 << 48) - 1  # checksums: seen = (seen * 31 + value) & MASK, order-sensitive

RECURSION_MARGIN = 200  # frames above the chain: scheduler, hub or loop, probe
# Recursion-limit units one level takes: a Python call counts one; a call through
# map() counts the C call into map's __next__ and the call back into Python too.
RECURSION_PER_LEVEL = {"python": 1, "c": 3}


def offer(task, index):
    """What the driver hands chain `task` at its index-th suspension."""
    return task * 1_000_003 + index


def climb(level, returned):
    """What level `level` passes up when the level below it returned `returned`."""
    return (returned * 31 + level) & MASK


def snapshot_at(suspensions):
    """The probe looks just before chain 0's exchange of this index (the middle)."""
    return suspensions // 2


SLOPE_FRAMES = 1_000_000  # frames alive in the larger memory-slope run, at most


def slope_counts(params):
    """Chains alive in the two memory-slope runs: 500 and 2,500 at shallow
    depths, fewer as chains deepen (depth 10,000: 20 and 100), so the slope
    runs stay near a million frames instead of growing with depth."""
    larger = max(10, min(2_500, SLOPE_FRAMES // params["depth"]))
    return (larger // 5, larger)


def recursion_limit(params):
    """The recursion limit a worker must set before running this depth."""
    per_level = RECURSION_PER_LEVEL[params.get("via", "python")]
    return max(1000, params["depth"] * per_level + RECURSION_MARGIN)  # 1000: CPython's default


# What one chain holds per level, per model, for the memory guard (fiberlab/memory_guard.py): the
# memory slope at depth 100 (`python -m fiberlab run deep_chain --param tasks=100 --param depth=100
# --param suspensions=10 --repeat 1`, Python 3.11: per chain greenlet 40.4 KiB, gevent 44.1,
# coroutines 25.0, asyncio 31.9, uvloop 31.9, threads 59.3), divided by the depth and rounded up by
# about a quarter; plus CHAIN_BYTES for what a chain holds whatever its depth.
MEMORY_PER_LEVEL = {"greenlet": 520, "gevent": 570, "coroutines": 320, "asyncio": 410,
                    "uvloop": 410, "threads": 760,
                    # The same run for the C++ rows: cpp_fibers 4.4 KiB per chain (1.3 KiB of its
                    # stack in use, 4 KiB resident), cpp_coroutines 16.0 KiB (101 heap frames of
                    # ~144 bytes); cpp_ucontext is cpp_fibers plus a 936-byte ucontext_t.
                    "cpp_fibers": 40, "cpp_ucontext": 40, "cpp_coroutines": 200}
CHAIN_BYTES = 8 * 1024


def memory_per_task(params):
    depth = params["depth"]
    return {model: CHAIN_BYTES + depth * level for model, level in MEMORY_PER_LEVEL.items()}


def tasks_alive(params):
    return params["tasks"]


# The deepest chain each model ran, and the shallowest it crashed at, per `via`, bisected to within
# 250 levels by `python -m fiberlab.deep_chain_limits [--via c]` (Python 3.11, 8 MiB stack: the
# worker's main stack and each thread's, tasks=1, suspensions=2). via=python: the stackless models
# resume by re-entering every level's coroutine in C, one C frame per level, so the C stack runs
# out (SIGSEGV); the stackful ones keep the chain as Python frames and ran the parameter's maximum.
# via=c: every level holds map's C frames on the stack the chain runs on, so the stackful models'
# own C stack runs out; cpp_fibers sizes its stacks from the depth. A model absent from a via
# cannot run it at all (unsupported) or was not measured. Another interpreter or stack size moves
# these figures.
MAX_DEPTH = {
    "python": {"greenlet": (100_000, None), "gevent": (100_000, None), "threads": (100_000, None),
               "asyncio": (19_948, 20_141), "uvloop": (19_948, 20_141),
               "coroutines": (19_948, 20_141)},
    "c": {"greenlet": (15_694, 15_887), "gevent": (15_694, 15_887), "threads": (15_694, 15_887),
          "cpp_fibers": (100_000, None)},
}
# ...and those that cannot suspend through a C frame at any depth (status "unsupported")
UNSUPPORTED = {"python": (), "c": ("asyncio", "uvloop", "coroutines", "cpp_coroutines")}
MEASURED_ON = "Python 3.11, 8 MiB stack"
MEASURED_LIMITS = tuple(
    f"deepest depth run via={via} (python -m fiberlab.deep_chain_limits; {MEASURED_ON}): "
    + ", ".join(f"{model} {ran:,}" + (f" (crashed at {crashed:,})" if crashed else " (the maximum)")
                for model, (ran, crashed) in limits.items())
    + "".join(f", {model} unsupported" for model in UNSUPPORTED[via])
    for via, limits in MAX_DEPTH.items())
# Where the C stack goes in each kind of crash, for the lines below.
C_STACK_USE = {
    ("python", "stackless"): "resume recursion: each resume re-enters every level's coroutine in C",
    ("c", "stackful"): "each level calls the next through map's C __next__, "
                       "whose C frames the chain holds on its stack",
}


def refusal(model_id, params):
    """None, or one line: a via=c chain deeper than this model's C stack held when measured
    (a crash there is no finding but a certainty; via=python keeps its measured crashes, which
    the deep_chain_limit sweep steps up to)."""
    ran, crashed = MAX_DEPTH["c"].get(model_id, (None, None))
    if params.get("via", "python") != "c" or crashed is None or params["depth"] <= ran:
        return None
    return (f"via=c at depth {params['depth']:,} is beyond {model_id}'s C stack: it ran {ran:,} "
            f"and crashed at {crashed:,} when measured ({MEASURED_ON}; "
            f"{C_STACK_USE['c', 'stackful']})")


def explain_crash(model, params, signal_name):
    """A SIGSEGV where the chain's C frames fill the C stack is a finding, not a bug: a stackless
    model resuming via=python, a stackful one holding via=c's frames."""
    use = C_STACK_USE.get((params.get("via", "python"), model.stack))
    if signal_name != "SIGSEGV" or use is None:
        return None
    ran, _crashed = MAX_DEPTH[params.get("via", "python")].get(model.id, (None, None))
    measured = f"; it ran {ran:,} when measured" if ran else ""
    return f"C stack exhausted at depth {params['depth']:,} ({use}{measured})"


def ops(params):
    return params["suspensions"] * params["tasks"]


def chain_result(task, returned, driver_seen):
    return {"task": task, "returned": returned, "driver_seen": driver_seen}


def chain_results(links, returned, driver_seen):
    """The result: per chain (in `links` order) what it returned and what its driver saw."""
    return [chain_result(link.task, value, driver_seen[link.task])
            for link, value in zip(links, returned)]


def chain_args(params):
    """run_chains' arguments but the probe: depth, suspensions, tasks, via."""
    return params["depth"], params["suspensions"], params["tasks"], params["via"]


def reference(params):
    chains = []
    for task in range(params["tasks"]):
        seen = driver_seen = 0
        for index in range(params["suspensions"]):
            seen = (seen * 31 + offer(task, index)) & MASK
            driver_seen = (driver_seen * 31 + seen) & MASK
        returned = seen
        for level in range(params["depth"], 0, -1):
            returned = climb(level, returned)
        chains.append(chain_result(task, returned, driver_seen))
    return chains


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="deep_chain", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, TASK_COUNT=TASK_COUNT, IDLE=IDLE, slope_counts=slope_counts,
            BASELINE=BASELINE, TIME_BY=TIME_BY, timed_size=timed_size,
            TIME_BY_REPEATS=TIME_BY_REPEATS, recursion_limit=recursion_limit,
            explain_crash=explain_crash, memory_per_task=memory_per_task, tasks_alive=tasks_alive,
            refusal=refusal, MEASURED_LIMITS=MEASURED_LIMITS)
