"""--trace: print every switch as `[model] from -> to`, the same for every model,
and every unit made as `[model] created name`.

A Tracer is an instrument (runtime/contract.py's Instrument): the worker adds
it to the model's runtime, and the runtime tells it of every switch it sees,
in the same words for every model. What each runtime sees, and what it cannot
(a switch the GIL forces inside a thread's running code), is written in its
add_instrument(). Meant for small sizes: after LIMIT lines the printing
stops. The same events, up to RECORD_LIMIT, are kept for switches() (the
worker returns them; the report draws its switch timelines from them).
"""

import sys
import threading

LIMIT = 200
RECORD_LIMIT = 5_000  # events kept for the timeline; a small run has far fewer


class Tracer:
    """Prints and records the switches one model's runtime reports."""

    def __init__(self, model_id, out=None):
        self.model_id = model_id
        self.out = out or sys.stdout
        # Switches told so far, printed or not. Invariant: a line is printed for the
        # first LIMIT of them, one more line says the trace was cut, then none.
        self.printed = 0
        self.recorded = []  # [origin, target] in the order the switches happened, up to RECORD_LIMIT
        self.lock = threading.Lock()  # the threads runtime tells us from several OS threads at once

    def created(self, unit):
        with self.lock:
            if self.printed < LIMIT:  # within the switches printed: a cut trace stays cut
                print(f"[{self.model_id}] created {unit}", file=self.out)
                self.out.flush()

    def finished(self, unit):
        pass  # not printed: a unit's end shows as its last switch out

    def switched(self, origin, target):
        with self.lock:
            self.printed += 1
            if len(self.recorded) < RECORD_LIMIT:
                self.recorded.append([origin, target])
            if self.printed <= LIMIT:
                print(f"[{self.model_id}] {origin} -> {target}", file=self.out)
            elif self.printed == LIMIT + 1:
                print(f"[{self.model_id}] ... trace cut at {LIMIT} switches", file=self.out)
            self.out.flush()

    def switches(self):
        """Every switch told so far (up to RECORD_LIMIT), as [origin, target] pairs."""
        with self.lock:
            return [list(pair) for pair in self.recorded]
