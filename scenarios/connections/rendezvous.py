"""Where the connections of one run meet before traffic starts, in one process.

Every model file's main() is the same program: listen, start the server, connect
the clients in waves (waiting at the barrier after each, barrier.py), let the probe
look, open the barrier, join the clients, then the server, hand in the result. A
Rendezvous holds what of that is no suspension: the barrier, the listener and the
waves, the clients' clocks (samples.py) and split mode's other process (split.py):
with split=true the worker serves every connection and connects none, and its
child, running the same main(), serves none and connects all of them; in the child
the "probe" is split.Go, whose snapshot waits for the parent's go.
"""

import socket
import threading

from scenarios import connections as spec
from scenarios.connections import split
from scenarios.connections.barrier import Barrier, ThreadBarrier
from scenarios.connections.samples import Samples, record


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


class ThreadRendezvous(ThreadBarrier, Rendezvous):
    """Rendezvous for threads: its barrier counts under a lock, waits through `block`."""

    def __init__(self, params, event, module_name, socket_class, block):
        Rendezvous.__init__(self, params, event, module_name, socket_class)
        self.lock, self.block = threading.Lock(), block
