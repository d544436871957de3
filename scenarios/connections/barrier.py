"""The barrier every connection passes before traffic starts, on any model's Event.

Parties arrive one by one: per connection its client, and its server handler
when both run in this process. The coordinator waits until a given number of
connections are in (a connect wave, then all of them); the clients wait on
`opened`, which the coordinator sets once the probe has looked.

Written once for three models: `event` is fiber_io.Event, gevent.event.Event
or asyncio.Event, and wait_for() returns what that Event's wait() returns —
for fibers and gevent the wait has already happened when it returns, for
asyncio it is an awaitable the caller awaits.
"""


class Barrier:
    def __init__(self, parties, event):
        self.parties = parties  # arrivals per connection: 1, or 2 when the server runs here too
        self.arrived = 0
        self.target = 0  # arrivals wait_for() waits for
        self.enough = event()  # set when `target` is reached
        self.opened = event()  # the clients wait on it

    def arrive(self):
        self.arrived += 1
        if self.arrived == self.target:
            self.enough.set()

    def wait_for(self, connections):
        self.target = self.parties * connections
        if self.arrived < self.target:
            self.enough.clear()
        else:
            self.enough.set()
        return self.enough.wait()  # -> other tasks until `connections` are in (asyncio: when awaited)
