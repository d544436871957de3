"""Where the connections of one run meet before traffic starts, in one process.

Every model file's main() is the same program: listen, start the server,
connect the clients in waves (waiting at the barrier after each), let the
probe look, open the barrier, join the clients, then the server, and hand in
the result. A Rendezvous holds the part of that which is no suspension, so a
model file holds its suspensions and little else:

- the barrier. Parties arrive one by one: per connection its client, and its
  server handler when both run in this process. wait_for(n) waits until n
  connections are in (a connect wave, then all of them); the clients wait on
  `opened`, which open() sets once the probe has looked. `event` is the
  model's Event (fibers.Event, gevent.event.Event, asyncio.Event,
  bare.Event, threading.Event), and wait_for() returns what its wait()
  returns: for fibers and gevent the wait has happened when it returns, for
  the coroutine models it is an awaitable the caller awaits;
- the listener (`listeners`: one), the clients' address and the connect waves;
- the clients' clocks (samples.py), which each client's Transcript keeps;
- split mode's other process (split.py). With split=true the run takes two
  processes of the same model, each running the same main(): the worker (the
  parent) serves every connection and connects none, its child serves none
  (`listeners` is empty) and connects all of them to the parent's port. The
  parent's waves wait for its handlers; open() also tells the child to go;
  result() takes the child's transcripts and timings. In the child the
  "probe" is split.Go, whose snapshot waits for the parent's go: the
  parent's probe looks meanwhile.
"""

import socket
import threading

from scenarios import connections as spec
from scenarios.connections import split
from scenarios.connections.samples import Samples, record


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
        """The event set once `connections` are in: a fresh one per wait (our runtimes' events have no clear())."""
        self.target = self.parties * connections
        self.enough = self.event()
        if self.arrived >= self.target:
            self.enough.set()
        return self.enough

    def wait_for(self, connections):
        return self.expect(connections).wait()  # -> other tasks until `connections` are in (coroutines: when awaited)


class Rendezvous(Barrier):
    """One process's part of a run: the barrier, the listener, the waves, the
    clients' clocks and, in split mode's parent, the child (see above)."""

    def __init__(self, params, event, module_name, socket_class=socket.socket):
        self.params = params
        server_port = params.get(split.SERVER_PORT)  # set in split mode's child only
        here = not params["split"]  # both sides in this process
        super().__init__(2 if here else 1, event)
        self.listeners, self.child, self.samples = [], None, None
        if server_port is None:
            listener = spec.listen(socket_class, params["connections"])
            self.listeners.append(listener)
            self.address = listener.getsockname()
        else:
            self.address = (spec.HOST, server_port)
        if here or server_port is not None:  # the clients run here
            self.samples = Samples(params["connections"], params["messages"])
        else:  # split mode's parent: the clients run in a child process, which connects at once
            self.child = split.start(module_name, self.address[1], params)

    def waves(self):
        """(ids this process connects in the wave, connections in once it is in), wave by wave;
        split mode's parent connects none (its child does) but waits all the same."""
        for first, end in spec.connect_waves(self.params["connections"]):
            yield (range(first, end) if self.samples else range(0)), end
        if self.samples:
            self.samples.all_connected()

    def transcript(self, connection):
        """A client's transcript, its connect clock started."""
        return spec.Transcript(connection, self.samples, self.params["messages"])

    def open(self):
        """Let the clients go (in split mode's parent: tell the child to)."""
        self.opened.set()
        if self.child:
            split.go(self.child)

    def result(self, transcripts, probe):
        """The run's result from the clients' transcripts; their timings to the probe
        (split mode: the child's, once it has ended; in the child: both to the parent)."""
        if self.child:
            transcripts, summary = split.finish(self.child)
        else:
            summary = self.samples.summary()
        if split.SERVER_PORT in self.params:
            return {"transcripts": transcripts, "samples": summary}
        record(probe, summary)
        return spec.result(transcripts)


class ThreadRendezvous(Rendezvous):
    """Rendezvous for threads: arrivals come from many threads at once, so they
    count under a lock, and the coordinator waits through `block` (os_threads.block)."""

    def __init__(self, params, event, module_name, socket_class, block):
        super().__init__(params, event, module_name, socket_class)
        self.lock = threading.Lock()
        self.block = block

    def arrive(self):
        with self.lock:
            super().arrive()

    def wait_for(self, connections):
        with self.lock:
            enough = self.expect(connections)
        self.block(enough.wait)  # -> kernel; back when `connections` are in
