"""pingpong — two tasks hand a counter back and forth; the bare cost of a round trip.

Ping serves a counter, pong folds it into its checksum and replies with
counter + 1, ping folds the reply into its checksum and serves reply + 1,
`rounds` times. `pairs` such couples play at once. One op is one round trip
(two hand-overs). The checksums are order-sensitive and computed inline,
so the work around each switch stays small next to the switch itself.

Like for like (each file's MECHANISM says how it hands the counter over):
- own scheduler: greenlet switches straight to the partner ("direct switch");
  coroutines awaits switch_to(partner), one trap after which our loop sends
  the counter straight in, no run-queue pass ("direct send"). The row differs
  only in the stack model; its floor is the same game on two bare greenlets
  (`vs bare`, BASELINE), so `vs bare` ~1 means the scheduler adds ~nothing.
- production runtimes: neither offers a direct task-to-task hand-over — a
  Future handed over is still resolved by a callback the loop runs, as a gevent
  switch goes through the hub — so the files show each runtime's idiom for two
  tasks passing messages: a rendezvous Channel ("channel via hub") and a
  one-slot Queue ("queue via loop"). The row differs only in the stack model;
  each cell differs from the one above it in the runtime, which is the point.
"""

from scenarios.spec import Param, Spec

SUMMARY = "two tasks pass a counter back and forth; cost of a round trip"

PARAMS = (
    Param("rounds", 100_000, 2, 10_000_000, "round trips per pair"),
    Param("pairs", 1, 1, 200_000, "couples playing at once (2 tasks each)"),
)

TASK_COUNT = ("pairs", 2)  # each pair is two tasks: memory per task is a slope over pairs
SMALL = {"rounds": 50, "pairs": 3}  # quick correctness check in the tests
IDLE = {"rounds": 4}  # memory-slope runs need live tasks, not long games
TIME_BY = "rounds"  # a shorter timed value plays fewer rounds: the same round trip, repeated less
# ...and nothing more is alive at once, so the tracemalloc run may use that size too
TIME_BY_REPEATS = True
BASELINE = ("scenarios.pingpong.bare_greenlets:round_trips", "vs bare",
            "the same game on two bare greenlets (pingpong/bare_greenlets.py)")

MASK = (1 << 48) - 1  # checksums: seen = (seen * 31 + value) & MASK, order-sensitive


def first_serve(pair):
    """Pair p starts counting at p, so every pair's numbers differ."""
    return pair


def snapshot_round(rounds):
    """The probe looks when pair 0's ping is this far into its game (the middle;
    never round 0, which starts the pair before every pair has started)."""
    return max(1, rounds // 2)


# What one live player holds, per model, for the memory guard (fiberlab/memory_guard.py): the
# memory slope at pairs=1,000 (`python -m fiberlab run pingpong --param pairs=1000 --param rounds=10
# --repeat 1`, Python 3.11: greenlet 8.2 KiB, gevent 10.5, coroutines 1.6, asyncio 5.3, uvloop 5.3,
# threads 22.8), rounded up by about a quarter.
# C++, estimated rather than measured: a fiber keeps one resident 4 KiB stack page (plus a
# 936-byte ucontext_t for cpp_ucontext); a coroutine player, one small heap frame.
MEMORY_PER_TASK = {"greenlet": 10_500, "gevent": 13_500, "coroutines": 2_100, "asyncio": 6_800,
                   "uvloop": 6_800, "threads": 29_500, "cpp_fibers": 6_000, "cpp_ucontext": 7_000,
                   "cpp_coroutines": 1_000}



def threads_needed(params):
    """Threads the threads model has alive at once (os_threads.refusal asks its file):
    ping and pong per pair, and the probe's own."""
    return 2 * params["pairs"] + 1


def tasks_alive(params):
    return 2 * params["pairs"]


def ops(params):
    return params["rounds"] * params["pairs"]


def game(pair, last_reply, ping_seen, pong_seen):
    return {"pair": pair, "last_reply": last_reply, "ping_seen": ping_seen, "pong_seen": pong_seen}


def reference(params):
    games = []
    for pair in range(params["pairs"]):
        ping_seen = pong_seen = 0
        counter = first_serve(pair)
        for _ in range(params["rounds"]):
            pong_seen = (pong_seen * 31 + counter) & MASK
            ping_seen = (ping_seen * 31 + counter + 1) & MASK
            counter += 2
        games.append(game(pair, counter - 1, ping_seen, pong_seen))
    return games


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="pingpong", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, TASK_COUNT=TASK_COUNT, IDLE=IDLE, BASELINE=BASELINE, TIME_BY=TIME_BY,
            TIME_BY_REPEATS=TIME_BY_REPEATS, MEMORY_PER_TASK=MEMORY_PER_TASK,
            tasks_alive=tasks_alive)
