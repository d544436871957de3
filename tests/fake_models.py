"""Test-only models, enabled with FIBERLAB_EXTRA_MODELS=tests.fake_models.

Each misbehaves in one way the harness must report without falling over.
They pretend to be stackful and name the greenlet runtime (so the probe uses its
describe()), except the leaking ones, which name the runtime whose leftovers they leave.
"""

import asyncio
import os
import resource
import signal
import socket
import sys
import time

import gevent.event
from greenlet import getcurrent

from fiberlab.models import Model


def _model(model_id, function, engine="fibers.scheduler:RUNTIME"):
    return Model(model_id, f"tests.fake_models_{function}", engine, "stackful", "test only")


MODELS = {
    "fake-wrong": _model("fake-wrong", "wrong"),
    "fake-crash": _model("fake-crash", "crash"),
    "fake-hang": _model("fake-hang", "hang"),
    "fake-raise": _model("fake-raise", "raise"),
    "fake-oom": _model("fake-oom", "oom"),
    "fake-oom-exit": _model("fake-oom-exit", "oom_exit"),
    "fake-oom-threads": _model("fake-oom-threads", "oom_threads"),
    "fake-leak": _model("fake-leak", "leak"),
    "fake-leak-gevent": _model("fake-leak-gevent", "leak_gevent", "fibers.gevent_glue:RUNTIME"),
    "fake-leak-asyncio": _model("fake-leak-asyncio", "leak_asyncio", "coroutines.runner:RUNTIME"),
    "fake-hungry": _model("fake-hungry", "hungry"),
    "fake-drift": _model("fake-drift", "drift"),
    "fake-small-wrong": _model("fake-small-wrong", "small_wrong"),
    "fake-slow-first": _model("fake-slow-first", "slow_first"),
    "fake-http-short": _model("fake-http-short", "http_short"),
}

# Everything a leaking model leaves behind stays referenced here, so the garbage
# collector cannot tidy it up before the worker's hygiene check looks.
KEPT = []


def snapshot_self(probe):
    probe.snapshot([getcurrent()])


def run_wrong(params, probe):
    snapshot_self(probe)
    return {"not": "the reference"}


def run_crash(params, probe):
    os.kill(os.getpid(), signal.SIGSEGV)


def run_hang(params, probe):
    time.sleep(3600)


def run_raise(params, probe):
    raise ValueError("this model always fails")


def run_oom(params, probe):
    """Allocate until MemoryError. Only under an address-space limit (the
    harness's --memory-limit): without one it would eat the shared machine."""
    limit, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY or limit > 4 * 2**30:
        raise RuntimeError("fake-oom needs --memory-limit of at most 4 GiB")
    hoard = []
    while True:
        hoard.append(bytearray(16 * 2**20))


def run_oom_exit(params, probe):
    """A worker that ran out while it reported, as the harness sees it: its last words on
    stderr, exit 1, no result (asyncio under a cap: even its unraisable hook could not run)."""
    _needs_a_cap("fake-oom-exit")
    sys.stderr.write("Exception ignored on building sys.unraisablehook arguments\nMemoryError\n")
    sys.stderr.flush()
    os._exit(1)


def run_oom_threads(params, probe):
    """Start threads (each reserves a stack) until one cannot start, then stop them and
    re-raise: what the threads model meets under a cap."""
    import threading

    _needs_a_cap("fake-oom-threads")
    stop, started = threading.Event(), []
    try:
        while True:
            started.append(threading.Thread(target=stop.wait))
            started[-1].start()
    except RuntimeError:
        started.pop()  # the one that could not start
        raise
    finally:
        stop.set()
        for thread in started:
            thread.join()


def _needs_a_cap(model_id):
    limit, _hard = resource.getrlimit(resource.RLIMIT_AS)
    if limit == resource.RLIM_INFINITY or limit > 4 * 2**30:
        raise RuntimeError(f"{model_id} needs --memory-limit of at most 4 GiB")


def run_hungry(params, probe):
    """pingpong's right result, holding 200 KiB per pair while it is computed: fine at a
    few pairs, a MemoryError under --memory-limit 150 at the 1,000-pair memory-slope run."""
    from scenarios import pingpong

    hoard = bytearray(params["pairs"] * 200 * 1024)
    snapshot_self(probe)
    result = pingpong.reference(params)
    del hoard
    return result


def reference_result(params):
    from scenarios import generator

    return generator.reference(params)


def run_leak(params, probe):
    """The right result, but a socket pair left open and a fiber left parked."""
    import fibers

    def main():
        KEPT.append(socket.socketpair())
        fibers.spawn(fibers.park, name="forgotten")
        fibers.snapshot(probe, [fibers.current()])
        return reference_result(params)

    return fibers.run(main)


def run_leak_gevent(params, probe):
    """The right result, but a gevent greenlet left waiting on an event nobody sets."""
    from fibers import gevent_glue

    def main():
        KEPT.append(gevent_glue.spawn(gevent.event.Event().wait, name="forgotten"))
        gevent_glue.yield_()  # -> hub, which starts the forgotten greenlet; back at once
        gevent_glue.snapshot(probe, [gevent_glue.current()])
        return reference_result(params)

    return gevent_glue.run(main)


def run_leak_asyncio(params, probe):
    """The right result, but an asyncio task still pending when main returns."""
    from coroutines import runner

    async def main():
        KEPT.append(asyncio.get_running_loop().create_task(asyncio.sleep(3600), name="forgotten"))
        await asyncio.sleep(0)
        return reference_result(params)

    snapshot_self(probe)
    return runner.run(main())


RUNS = []  # one entry per run of fake-drift in this process


def run_drift(params, probe):
    """The right result on its first two runs in a process (the check, the warm-up), a wrong
    one from the third on: only a harness that checks every timed run catches it."""
    RUNS.append(1)
    snapshot_self(probe)
    return reference_result(params) if len(RUNS) <= 2 else {"not": "the reference"}


def run_small_wrong(params, probe):
    """Slow (a long run, so its timed processes warm up at a tenth of its tasks) and right at
    the requested size, wrong below 50 tasks: only a harness that checks the warm-up catches it."""
    snapshot_self(probe)
    time.sleep(0.002 * params["tasks"])  # 0.2 s at 100 tasks: its warm-up's time scales to a long run
    if params["tasks"] < 50:
        return {"not": "the reference"}
    import scenarios

    return scenarios.load("idle").reference(params)


FIRST = []  # one entry once fake-slow-first has run in this process


def run_slow_first(params, probe):
    """Slow when its first run in a process is at 50 tasks or more (the check: the pipeline takes
    it for a long run), 1 ms per 100 tasks otherwise (a timed process warms up at a tenth first):
    a timed process must still make every value last VALUE_MIN_S."""
    snapshot_self(probe)
    time.sleep(0.3 if not FIRST and params["tasks"] >= 50 else params["tasks"] / 100 * 0.001)
    FIRST.append(1)
    import scenarios

    return scenarios.load("idle").reference(params)


__all__ = ["MODELS", "time"]
