"""Time spent in the garbage collector, summed over the collections of a run.

CPython calls every function in gc.callbacks at the start and the stop of each
collection (automatic or gc.collect()); the clock sums the time between them
while it is running. Collections are part of what a model costs at scale
(spawn at 100,000 leaves spends a third to two thirds of its time in them),
so the worker reports this beside wall time instead of hiding it.

Usage: `with GcClock() as clock: run(); clock.total_s`. It may be entered
again for another run; `total_s` is then that run's alone.
"""

import gc
import time


class GcClock:
    def __init__(self):
        self.total_s = 0.0  # seconds in collections while the clock ran
        self.collections = 0
        self._started = None  # perf_counter at the start of the collection under way

    def _on_gc(self, phase, _info):
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:  # "stop" of a collection we saw start
            self.total_s += time.perf_counter() - self._started
            self.collections += 1
            self._started = None

    def __enter__(self):
        self.total_s, self.collections, self._started = 0.0, 0, None
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *_exc):
        gc.callbacks.remove(self._on_gc)
        return False
