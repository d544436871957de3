"""Probe-free greenlet resume cost at the bottom of a deep chain: `python crosscheck/deep_chain_resume.py [DEPTH ...]`.

No harness, no probe, no scheduler: one greenlet descends DEPTH plain calls (the shape of
scenarios/deep_chain's levels) and switches back to main at the bottom; main then times
EXCHANGES round trips (main -> bottom -> main), after the chain is built and before it unwinds.
Best of ROUNDS, in ns per exchange on CPU time. The lab's deep_chain `ns_per_op` (resume cost)
is this exchange plus what the greenlet scheduler (fibers/) adds to it.
"""
import sys
import time

import greenlet

EXCHANGES, ROUNDS, MASK = 20_000, 7, (1 << 48) - 1
sys.setrecursionlimit(max(1000, max(map(int, sys.argv[1:] or [1])) + 200))


def descend(level, depth):
    if level < depth:
        return (descend(level + 1, depth) * 31 + level) & MASK
    seen, main = 0, greenlet.getcurrent().parent
    while True:
        seen = (seen * 31 + main.switch(seen)) & MASK  # -> main; back with its next offer


def resume_ns(depth):
    chain = greenlet.greenlet(descend)
    chain.switch(1, depth)  # -> chain, built down to its bottom; back once it waits there
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        for index in range(EXCHANGES):
            chain.switch(index)  # -> the bottom; back with its reply
        best = min(best, (time.process_time() - started) / EXCHANGES * 1e9)
    chain.throw()  # -> chain, which unwinds
    return best


for depth in map(int, sys.argv[1:] or ["1", "10000"]):
    print(f"depth {depth:>7,}: {resume_ns(depth):7.1f} ns per exchange (cpu, best of {ROUNDS})")
