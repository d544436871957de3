"""A model added the way docs/design.md's "Adding a model" says: a runtime built on plain generators.

The smallest runtime that keeps runtime/contract.py: a unit is a generator;
it suspends by `yield from` a blocking method, which yields one park function
to the loop; the loop calls it with the unit, to leave the unit where it will
be found again (the run queue, the timer heap, a socket's waiters, a joiner
list), then takes the next ready unit. Stackless, like coroutines.bare, but
with no `async`: what a model needs from the harness is the contract, nothing
more. Used by tests/test_adding_a_model.py, with tests/tiny_model.py (its Model)
and tests/tiny_pingpong.py (its one scenario file).
"""

import heapq
import selectors
import sys
import time
from collections import deque

from runtime.contract import Leftover, class_name


class Unit:
    def __init__(self, gen, name):
        self.gen, self.name = gen, name
        self.done, self.result, self.error, self.joiners = False, None, None, []


class Generators:
    stack = "stackless"

    def __init__(self):
        self.queue = deque()  # (unit, value): ready to run, with what its yield returns
        self.timers = []  # (deadline, sequence, unit)
        self.selector = None  # sockets waited on, within a run
        self.units = []  # every unit of the run under way; invariant: emptied when run() ends
        self.running = None  # the unit the loop is in
        self.leftover = []  # units not done when the last run() ended
        self.instruments = []

    def run(self, main, *args):
        self.selector, first = selectors.DefaultSelector(), self.spawn(main, *args, name="main")
        try:
            while not first.done:
                if self.queue:
                    self.step(*self.queue.popleft())
                elif self.timers or self.selector.get_map():
                    self.wait()
                else:
                    raise RuntimeError("deadlock: main waits, and nothing can wake it")
            if first.error is not None:
                raise first.error
            return first.result
        finally:
            self.leftover = [unit for unit in self.units if not unit.done]
            self.units, self.timers, self.queue = [], [], deque()
            self.selector.close()

    def step(self, unit, value):
        self.running = unit
        self.tell("switched", "loop", unit.name)
        try:
            park = unit.gen.send(value)  # -> unit; back at its next yield
        except StopIteration as stop:
            self.finish(unit, stop.value, None)
        except Exception as exc:  # noqa: BLE001 - handed to whoever joins it
            self.finish(unit, None, exc)
        else:
            park(unit)
        self.tell("switched", unit.name, "loop")

    def finish(self, unit, result, error):
        unit.done, unit.result, unit.error = True, result, error
        self.queue.extend((joiner, None) for joiner in unit.joiners)
        self.tell("finished", unit.name)

    def wait(self):
        timeout = max(0.0, self.timers[0][0] - time.monotonic()) if self.timers else None
        for key, _events in self.selector.select(timeout):
            self.selector.unregister(key.fileobj)
            self.queue.append((key.data, None))
        while self.timers and self.timers[0][0] <= time.monotonic():
            self.queue.append((heapq.heappop(self.timers)[2], None))

    def tell(self, event, *names):
        for instrument in self.instruments:
            getattr(instrument, event)(*names)

    # -- the contract's units and blocking methods (each `yield from` one) ----

    def spawn(self, func, *args, name=None):
        unit = Unit(func(*args), name or f"unit-{len(self.units)}")
        self.units.append(unit)
        self.queue.append((unit, None))
        self.tell("created", unit.name)
        return unit

    def join(self, unit):
        if not unit.done:
            yield unit.joiners.append  # -> loop; back once `unit` has ended
        if unit.error is not None:
            raise unit.error
        return unit.result

    def sleep(self, seconds):
        yield lambda me: heapq.heappush(self.timers, (time.monotonic() + seconds, id(me), me))

    def yield_(self):
        yield lambda me: self.queue.append((me, None))  # -> loop; back after the units ready before us

    def current(self):
        return self.running

    def park(self):
        return (yield lambda me: None)  # -> loop; back with what ready() passes

    def ready(self, unit, value=None):
        self.queue.append((unit, value))

    def wait_readable(self, sock):
        yield lambda me: self.selector.register(sock, selectors.EVENT_READ, me)

    def wait_writable(self, sock):
        yield lambda me: self.selector.register(sock, selectors.EVENT_WRITE, me)

    # -- the contract's side for the harness -----------------------------------

    def snapshot(self, probe, units):
        def look():
            probe.snapshot(units)
            yield from ()

        yield from self.join(self.spawn(look, name="probe"))  # -> loop, which runs the probe; back after

    def describe(self, unit):
        frames, gen = [], unit.gen
        while gen is not None and gen.gi_frame is not None:  # down the `yield from` chain
            frames.append(gen.gi_frame)
            gen = gen.gi_yieldfrom if hasattr(gen, "gi_yieldfrom") else None
        return {"frames": len(frames), "c_stack_bytes": None, "frame_bytes": sum(map(sys.getsizeof, frames))}

    def scheduler_name(self):
        return class_name(self)  # this object is the scheduler

    def prepare(self):
        pass

    def leftovers(self):
        return [Leftover("generator unit", "still suspended", self.leftover)] if self.leftover else []

    def add_instrument(self, instrument):
        self.instruments.append(instrument)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)


RUNTIME = Generators()
