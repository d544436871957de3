"""Measurements the claims need that no scenario makes: run by the sweep, read by the report.

`python -m harness.lab_measures [--tiny]` prints one JSON object:
  bare_coroutine   ns for one coro.send() hand-over to a bare coroutine that
                   suspends on a plain `yield` awaitable: no event loop (claim 8)
  generator_memory tracemalloc peak while a plain generator's items are consumed,
                   at two item counts, beside a list of the same items (claim 5)
  recursion        the deepest chain that runs under CPython's default recursion
                   limit (1000): async def chain, yield-from chain, and plain calls
                   on a greenlet (claim 7)
It runs in a process of its own (the sweep starts it), since it sets the
recursion limit and times a tight loop.
"""

import argparse
import json
import sys
import time
import tracemalloc

import greenlet

DEFAULT_RECURSION_LIMIT = 1000  # CPython's default; the claim is about this value
ITEM_BYTES = 1000  # each generator item is a bytes object this big, so a held item shows


class Suspend:
    """The smallest awaitable that suspends: a bare `yield` back to whoever called send()."""

    def __await__(self):
        return (yield)


async def receiver(hand_overs):
    total = 0
    for _ in range(hand_overs):
        total += await Suspend()  # -> the send() caller; back with its next value
    return total


def bare_coroutine_ns(hand_overs, repeat=5):
    """Median ns of one send() into a suspended coroutine and its suspension back."""
    timings = []
    for _ in range(repeat):
        coro = receiver(hand_overs)
        coro.send(None)
        started = time.perf_counter()
        try:
            for value in range(hand_overs):
                coro.send(value)
        except StopIteration:
            pass
        timings.append((time.perf_counter() - started) / hand_overs * 1e9)
    return sorted(timings)[len(timings) // 2]


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


def measure(tiny):
    return {
        "bare_coroutine": {"hand_overs": 1_000 if tiny else 1_000_000,
                           "ns_per_hand_over": bare_coroutine_ns(1_000 if tiny else 1_000_000)},
        "generator_memory": generator_memory((100, 1_000) if tiny else (1_000, 100_000)),
        "recursion": recursion(ceiling=5_000),
    }


def main():
    parser = argparse.ArgumentParser(prog="python -m harness.lab_measures")
    parser.add_argument("--tiny", action="store_true", help="small sizes (the tests)")
    print(json.dumps(measure(parser.parse_args().tiny)))


if __name__ == "__main__":
    main()
