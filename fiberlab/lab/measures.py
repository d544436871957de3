"""Measurements the claims need that no scenario makes: run by the sweep, read by the report.

`python -m fiberlab.lab.measures [--tiny]` prints one JSON object:
  bare_coroutine   ns for one round trip into a bare coroutine and back: a
                   coro.send() resumes it and it suspends again on a plain `yield`
                   awaitable, no event loop (claim 8). A round trip, the unit of
                   pingpong's ns/op, not a hand-over (half of one)
  generator_memory tracemalloc peak while a plain generator's items are consumed,
                   at two item counts, beside a list of the same items (claim 5)
  recursion        the deepest chain that runs under CPython's default recursion
                   limit (1000): async def chain, yield-from chain, and plain calls
                   on a unit of the greenlet model's runtime, the control (claim 7)
  frame_placement  where a suspended unit's frames are while many deep chains wait:
                   how many sit on any thread's running stack, and how many are
                   linked caller to callee by f_back (a stack), for the asyncio and
                   greenlet models measured the same way (claim 1)
Models are reached only through their runtime (Model.load_runtime(), the contract
of runtime/contract.py): one chain for every stackful runtime, one for every
stackless one. It runs in a process of its own (the sweep starts it), since it sets the
recursion limit and times a tight loop. What a suspended unit holds (claim 2)
and whether it can suspend through C frames (claim 4) are the scenarios' own
records, through each runtime's describe(): the sweeps pingpong_switch and
deep_chain_via_c, not measures made here. Frames are walked with the walkers
the probe uses (fibers/introspect.py, coroutines/introspect.py).
"""

import argparse
import inspect
import json
import statistics
import sys
import time
import tracemalloc

import os_threads
from coroutines import introspect as coroutines_introspect
from fiberlab.models import MODELS
from fibers import introspect as fibers_introspect

DEFAULT_RECURSION_LIMIT = 1000  # CPython's default; the claim is about this value
ITEM_BYTES = 1000  # each generator item is a bytes object this big, so a held item shows


class Suspend:
    """The smallest awaitable that suspends: a bare `yield` back to whoever called send()."""

    def __await__(self):
        return (yield)


async def receiver(round_trips):
    total = 0
    for _ in range(round_trips):
        total += await Suspend()  # -> the send() caller; back with its next value
    return total


def bare_coroutine_timing(round_trips, repeat=5):
    """ns of one round trip: a send() into a suspended coroutine (one hand-over)
    and its suspension back to the caller (the second); the median of `repeat`
    runs, and their min and max (the claims' noise band)."""
    timings = []
    for _ in range(repeat):
        coro = receiver(round_trips)
        coro.send(None)
        started = time.perf_counter()
        try:
            for value in range(round_trips):
                coro.send(value)
        except StopIteration:
            pass
        timings.append((time.perf_counter() - started) / round_trips * 1e9)
    return {"ns_per_round_trip": statistics.median(timings), "ns_min": min(timings), "ns_max": max(timings)}


def items(count):
    for index in range(count):
        yield index.to_bytes(8, "little") * (ITEM_BYTES // 8)


def traced_peak(consume, count):
    tracemalloc.start()
    consume(count)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def consume_generator(count):
    return sum(len(item) for item in items(count))


def consume_list(count):
    return sum(len(item) for item in list(items(count)))


def generator_memory(counts):
    return {
        "item_bytes": ITEM_BYTES,
        "points": [
            {"items": count, "generator_peak_bytes": traced_peak(consume_generator, count),
             "list_peak_bytes": traced_peak(consume_list, count)}
            for count in counts
        ],
    }


async def async_level(depth):
    return await async_level(depth - 1) + 1 if depth else await Suspend()


def generator_level(depth):
    return (yield from generator_level(depth - 1)) + 1 if depth else (yield)


def runs_async(depth):
    coro = async_level(depth)
    coro.send(None)  # suspends at the bottom, `depth` coroutines deep
    try:
        coro.send(0)
    except StopIteration as stop:
        return stop.value == depth


def runs_generator(depth):
    gen = generator_level(depth)
    next(gen)
    try:
        gen.send(0)
    except StopIteration as stop:
        return stop.value == depth


def runs_on_a_fiber(depth):
    """Plain calls `depth` deep on a unit of the greenlet model's runtime, suspended at the bottom."""
    rt = MODELS["greenlet"].load_runtime()

    def main():
        unit = rt.spawn(stackful_level, rt, depth)
        rt.yield_()  # -> the unit, down to its bottom; back when it parks there
        rt.ready(unit, 0)
        return rt.join(unit)  # its RecursionError, if it hit the limit, is raised here

    return rt.run(main) == depth


def deepest(runs, ceiling):
    """Largest depth <= ceiling for which runs(depth) succeeds (binary search)."""
    low, high = 0, ceiling
    while low < high:
        middle = (low + high + 1) // 2
        try:
            ok = runs(middle)
        except RecursionError:
            ok = False
        low, high = (middle, high) if ok else (low, middle - 1)
    return low


def recursion(ceiling):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_RECURSION_LIMIT)
    try:
        return {
            "limit": DEFAULT_RECURSION_LIMIT,
            "deepest": {
                "async def chain": deepest(runs_async, ceiling),
                "yield from chain": deepest(runs_generator, ceiling),
                "plain calls on a greenlet": deepest(runs_on_a_fiber, ceiling),
            },
        }
    finally:
        sys.setrecursionlimit(previous)


# -- claim 1: where a suspended unit's frames are -------------------------------


def running_frames():
    """Every frame on any thread's running stack at this instant (innermost and all callers)."""
    frames = set()
    for frame in os_threads.current_frames().values():  # not sys._current_frames(): see there why
        while frame is not None:
            frames.add(frame)
            frame = frame.f_back
    return frames


def linked_depth(frame, code):
    """How many frames of `code` follow each other from `frame` down f_back: a stack's length."""
    count = 0
    while frame is not None:
        count += frame.f_code is code
        frame = frame.f_back
    return count


def placement(units, depth):
    """units: [(innermost level frame, [the unit's level frames], [all its frames])], all suspended now."""
    on_stack = running_frames()
    return {
        "chains": len(units), "depth": depth,
        "frames_per_unit": statistics.median(len(levels) for _, levels, _ in units),
        "frames_on_a_running_stack": sum(frame in on_stack for _, _, frames in units for frame in frames),
        "linked_depth": statistics.median(linked_depth(inner, inner.f_code) for inner, _, _ in units),
    }


def stackful_level(rt, depth):
    return stackful_level(rt, depth - 1) + 1 if depth else rt.park()  # -> whoever runs next; back on ready()


async def stackless_level(rt, depth):
    return await stackless_level(rt, depth - 1) + 1 if depth else await rt.park()  # -> loop; back on ready()


def unit_frames(rt, unit):
    """(innermost level frame, level frames, every frame) of a suspended unit, walked by the probe's walkers."""
    if rt.stack == "stackful":
        frames = fibers_introspect.python_frames(unit)  # innermost first
        levels = [frame for frame in frames if frame.f_code is stackful_level.__code__]
        return levels[0], levels, frames
    frames = [obj.cr_frame for obj in coroutines_introspect.await_chain(unit) if inspect.iscoroutine(obj)]
    levels = [frame for frame in frames if frame.f_code is stackless_level.__code__]  # outermost first
    return levels[-1], levels, frames


def place_stackful(rt, chains, depth):
    units = [rt.spawn(stackful_level, rt, depth) for _ in range(chains)]
    rt.yield_()  # -> every unit, down to its bottom; back when each has parked there
    placed = placement([unit_frames(rt, unit) for unit in units], depth)
    for unit in units:
        rt.ready(unit, 0)
    assert [rt.join(unit) for unit in units] == [depth] * chains
    return placed


async def place_stackless(rt, chains, depth):
    units = [rt.spawn(stackless_level, rt, depth) for _ in range(chains)]
    await rt.yield_()  # -> loop: every unit runs down to its bottom and parks there
    placed = placement([unit_frames(rt, unit) for unit in units], depth)
    for unit in units:
        rt.ready(unit, 0)
    assert [await rt.join(unit) for unit in units] == [depth] * chains
    return placed


def frame_placement(chains, depth, models=("asyncio", "greenlet")):
    """{model: placement} for chains run on each model's runtime through the runtime contract."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, depth + 200))
    try:
        placed = {}
        for model in models:
            rt = MODELS[model].load_runtime()
            place = place_stackful if rt.stack == "stackful" else place_stackless
            placed[model] = rt.run(place, rt, chains, depth)
        return placed
    finally:
        sys.setrecursionlimit(previous)


def measure(tiny):
    return {
        "bare_coroutine": {"round_trips": 1_000 if tiny else 1_000_000,
                           **bare_coroutine_timing(1_000 if tiny else 1_000_000)},
        "generator_memory": generator_memory((100, 1_000) if tiny else (1_000, 100_000)),
        "recursion": recursion(ceiling=5_000),
        "frame_placement": frame_placement(*((10, 20) if tiny else (100, 200))),
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.measures")
    parser.add_argument("--tiny", action="store_true", help="small sizes (the tests)")
    print(json.dumps(measure(parser.parse_args().tiny)))


if __name__ == "__main__":
    from runtime.lifeline import die_with_parent

    die_with_parent()  # started by the sweep: it goes if the sweep is SIGKILLed
    main()
