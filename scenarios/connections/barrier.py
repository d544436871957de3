"""The barrier where one process's connections meet before traffic starts (rendezvous.py).

Parties arrive one by one: per connection its client, and its server handler
when both run in this process. wait_for(n) waits until n connections are in
(a connect wave, then all of them); the clients wait on `opened`, which the
rendezvous sets once the probe has looked. `event` is the model's Event
(fibers.Event, gevent.event.Event, asyncio.Event, bare.Event, threading.Event),
and wait_for() returns what its wait() returns: for fibers and gevent the wait
has happened when it returns, for the coroutine models it is an awaitable the
caller awaits.
"""


class Barrier:
    """Arrivals counted against a target; see the module's docstring."""

    def __init__(self, parties, event):
        self.parties = parties  # arrivals per connection: 1, or 2 when the server runs here too
        self.event = event
        self.arrived = 0
        self.target = 0  # arrivals wait_for() waits for
        self.enough = event()  # set when `target` is reached
        self.opened = event()  # the clients wait on it

    def arrive(self):
        self.arrived += 1
        if self.arrived == self.target:
            self.enough.set()

    def expect(self, connections):
        """The event set once `connections` are in: a fresh one per wait (our runtimes'
        events have no clear())."""
        self.target = self.parties * connections
        self.enough = self.event()
        if self.arrived >= self.target:
            self.enough.set()
        return self.enough

    def wait_for(self, connections):
        # The coroutine models suspend where the caller awaits what this returns.
        return self.expect(connections).wait()  # -> other units until `connections` are in


class ThreadBarrier(Barrier):
    """The barrier for threads: arrivals come from many threads at once, so they count
    under `lock`, and the coordinator waits through `block` (os_threads.block); both set
    by the class that mixes it in."""

    def arrive(self):
        with self.lock:
            super().arrive()

    def wait_for(self, connections):
        with self.lock:
            enough = self.expect(connections)
        self.block(enough.wait)  # -> kernel; back when `connections` are in
