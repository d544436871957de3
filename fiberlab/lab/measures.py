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
                   on a greenlet, the control (claim 7)
  frame_placement  where a suspended unit's frames are while many deep chains wait:
                   how many sit on any thread's running stack, and how many are
                   linked caller to callee by f_back (a stack), for asyncio tasks
                   and greenlets measured the same way (claim 1)
  suspend_inside   every model asked to suspend from inside a plain `def` and from
                   inside a C callback (sorted's key=): what happened (claim 4)
  fiber_memory     USS slope of bare suspended greenlets (no channel, no probe), and
                   the C stack greenlet saved for each (claim 2)
It runs in a process of its own (the sweep starts it), since it sets the
recursion limit and times a tight loop.
"""

import argparse
import asyncio
import gc
import json
import queue
import statistics
import sys
import threading
import time
import tracemalloc
import warnings

import gevent
import greenlet
import psutil

import fibers
import os_threads
from coroutines import bare

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


def plain_level(depth):
    return plain_level(depth - 1) + 1 if depth else greenlet.getcurrent().parent.switch()


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


def runs_greenlet(depth):
    fiber = greenlet.greenlet(plain_level)
    fiber.switch(depth)  # suspends at the bottom, `depth` plain calls deep
    return fiber.switch(0) == depth


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
                "plain calls on a greenlet": deepest(runs_greenlet, ceiling),
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
    """units: [(innermost frame, [every frame of the unit])], all suspended now."""
    on_stack = running_frames()
    return {
        "chains": len(units), "depth": depth,
        "frames_per_unit": statistics.median(len(frames) for _, frames in units),
        "frames_on_a_running_stack": sum(frame in on_stack for _, frames in units for frame in frames),
        "linked_depth": statistics.median(linked_depth(inner, inner.f_code) for inner, _ in units),
    }


async def coroutine_level(depth, gate):
    return await coroutine_level(depth - 1, gate) + 1 if depth else await gate


def coroutine_frames(coro):
    frames = []
    while hasattr(coro, "cr_frame"):
        frames.append(coro.cr_frame)
        coro = coro.cr_await
    return frames


async def place_coroutines(chains, depth):
    gate = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(coroutine_level(depth, gate)) for _ in range(chains)]
    await asyncio.sleep(0)  # -> loop: every task runs down to the gate and waits there
    units = [(frames[-1], frames) for frames in (coroutine_frames(task.get_coro()) for task in tasks)]
    placed = placement(units, depth)
    gate.set_result(0)
    assert await asyncio.gather(*tasks) == [depth] * chains
    return placed


def fiber_frames(fiber):
    frames, frame = [], fiber.gr_frame
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def place_fibers(chains, depth):
    chain = [greenlet.greenlet(plain_level) for _ in range(chains)]
    for fiber in chain:
        fiber.switch(depth)  # -> the fiber, down to its bottom; back when it parks there
    units = [(fiber.gr_frame, fiber_frames(fiber)) for fiber in chain]
    placed = placement(units, depth)
    placed["c_stack_saved_bytes"] = statistics.median(fiber._stack_saved for fiber in chain)
    assert [fiber.switch(0) for fiber in chain] == [depth] * chains
    return placed


def frame_placement(chains, depth):
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, depth + 200))
    try:
        return {"asyncio": asyncio.run(place_coroutines(chains, depth)), "greenlet": place_fibers(chains, depth)}
    finally:
        sys.setrecursionlimit(previous)


# -- claim 4: suspending from inside a plain def and a C callback -----------------

KEYS = (3, 1, 2)
PLACES = {  # what the asking task computes, and what it must get if the suspensions worked
    "plain def": ("[middle(key) for key in KEYS], middle a plain def calling suspend(key) + 1", [4, 2, 3]),
    "C callback": ("sorted(KEYS, key=suspend): suspend called from C", [1, 2, 3]),
}


class Attempt:
    """The asking task's record: how often the other task ran, and whether it ran inside suspend()."""

    def __init__(self):
        self.other_ran = 0
        self.other_ran_inside = False
        self.done = False


def ask(place, suspend):
    """The attempt itself, a plain def in every model: suspend from where `place` says."""
    if place == "plain def":
        return [middle(suspend, key) for key in KEYS]
    return sorted(KEYS, key=suspend)  # sorted is C: it calls the key function from C


def middle(suspend, key):
    return suspend(key) + 1  # a plain def between the task and the suspension


def outcome(place, run):
    """What happened when `run(attempt)` made a model's task ask(place, ...)."""
    attempt = Attempt()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the never-awaited coroutines of a failed attempt
        try:
            result = run(place, attempt)
        except Exception as exc:  # noqa: BLE001 - the exact error is the finding
            return f"error: {type(exc).__name__}: {exc}"
        finally:
            gc.collect()
    if result != PLACES[place][1]:
        return f"wrong result {result!r}"
    return "suspended" if attempt.other_ran_inside else "ran without suspending"


def noticed(attempt, before):
    attempt.other_ran_inside |= attempt.other_ran > before


def run_greenlet(place, attempt):
    def suspend(key):
        before = attempt.other_ran
        fibers.yield_()  # -> the other fiber; back after it ran
        noticed(attempt, before)
        return key

    def other():
        while not attempt.done:
            attempt.other_ran += 1
            fibers.yield_()  # -> the asking fiber

    def main():
        fibers.spawn(other, name="other")
        try:
            return ask(place, suspend)
        finally:
            attempt.done = True

    return fibers.run(main)


def run_gevent(place, attempt):
    def suspend(key):
        before = attempt.other_ran
        gevent.sleep(0)  # -> hub, the other greenlet; back after it ran
        noticed(attempt, before)
        return key

    def other():
        while not attempt.done:
            attempt.other_ran += 1
            gevent.sleep(0)  # -> hub, the asking greenlet

    def main():
        try:
            return ask(place, suspend)
        finally:
            attempt.done = True

    helper = gevent.spawn(other)
    asker = gevent.spawn(main)
    gevent.joinall([asker, helper])
    return asker.get()


def run_threads(place, attempt):
    ping, pong = queue.Queue(), queue.Queue()

    def suspend(key):
        before = attempt.other_ran
        ping.put(key)
        pong.get()  # -> kernel, the other thread; back after it ran
        noticed(attempt, before)
        return key

    def other():
        while ping.get() is not None:
            attempt.other_ran += 1
            pong.put(None)

    helper = threading.Thread(target=other, daemon=True)
    helper.start()
    try:
        return ask(place, suspend)
    finally:
        ping.put(None)
        helper.join()


def run_asyncio(place, attempt):
    async def suspend(key):
        before = attempt.other_ran
        await asyncio.sleep(0)  # -> loop, the other task; back after it ran
        noticed(attempt, before)
        return key

    async def other():
        while not attempt.done:
            attempt.other_ran += 1
            await asyncio.sleep(0)  # -> loop, the asking task

    async def main():
        helper = asyncio.create_task(other())
        try:
            return ask(place, suspend)  # a plain call: a task cannot await through it
        finally:
            attempt.done = True
            await helper

    return asyncio.run(main())


def run_coroutines(place, attempt):
    async def suspend(key):
        before = attempt.other_ran
        await bare.yield_()  # -> loop, the other task; back after it ran
        noticed(attempt, before)
        return key

    async def other():
        while not attempt.done:
            attempt.other_ran += 1
            await bare.yield_()  # -> loop, the asking task

    async def main():
        helper = bare.spawn(other, name="other")
        try:
            return ask(place, suspend)
        finally:
            attempt.done = True
            await bare.join(helper)

    return bare.run(main)


ATTEMPTS = {"greenlet": run_greenlet, "gevent": run_gevent, "threads": run_threads,
            "asyncio": run_asyncio, "coroutines": run_coroutines}
STACK_KIND = {"greenlet": "stackful", "gevent": "stackful", "threads": "stackful",
              "asyncio": "stackless", "coroutines": "stackless"}


def suspend_inside():
    return {
        "places": {place: what for place, (what, _expected) in PLACES.items()},
        "models": {model: {"stack": STACK_KIND[model],
                           **{place: outcome(place, run) for place in PLACES}}
                   for model, run in ATTEMPTS.items()},
    }


# -- claim 2: what a bare suspended fiber costs -----------------------------------


def parked_fibers(count):
    chain = [greenlet.greenlet(plain_level) for _ in range(count)]
    for fiber in chain:
        fiber.switch(1)  # -> the fiber; back when it parks one call deep
    return chain


def fiber_memory(counts):
    """USS growth with `count` bare greenlets parked, at two counts: the slope is one fiber's bytes."""
    process, points, saved = psutil.Process(), [], []
    for count in counts:
        gc.collect()
        before = process.memory_full_info().uss
        chain = parked_fibers(count)
        points.append([count, process.memory_full_info().uss - before])
        saved.append(statistics.median(fiber._stack_saved for fiber in chain))
        for fiber in chain:
            fiber.switch(0)  # -> the fiber, which returns: nothing is left parked
        del chain
    (small, small_bytes), (large, large_bytes) = points
    return {"python": sys.version.split()[0], "points": points,
            "bytes_per_fiber": (large_bytes - small_bytes) / (large - small),
            "c_stack_saved_bytes": max(saved)}


def measure(tiny):
    return {
        "bare_coroutine": {"round_trips": 1_000 if tiny else 1_000_000,
                           **bare_coroutine_timing(1_000 if tiny else 1_000_000)},
        "generator_memory": generator_memory((100, 1_000) if tiny else (1_000, 100_000)),
        "recursion": recursion(ceiling=5_000),
        "frame_placement": frame_placement(*((10, 20) if tiny else (100, 200))),
        "suspend_inside": suspend_inside(),
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.measures")
    parser.add_argument("--tiny", action="store_true", help="small sizes (the tests)")
    print(json.dumps(measure(parser.parse_args().tiny)))


if __name__ == "__main__":
    from runtime.lifeline import die_with_parent

    die_with_parent()  # started by the sweep: it goes if the sweep is SIGKILLed
    main()
