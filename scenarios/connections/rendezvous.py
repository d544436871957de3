"""A connections run's choreography, around the barrier where its connections meet.

A model file hands its serve() and client() to a rendezvous and plays it: start the
server, connect the clients in waves (waiting at the barrier after each, barrier.py),
let the probe look at the handlers, open the barrier, join the clients, then the server,
hand in the result. The model file holds only how a handler and a client suspend; the
rendezvous calls the runtime through its contract alone (spawn, join, snapshot).
Which side runs in this process, and split mode's child: sides.py, split.py.
"""

import socket
import threading

from scenarios.connections import split
from scenarios.connections.barrier import Barrier, ThreadBarrier
from scenarios.connections.sides import Sides


class Rendezvous(Sides, Barrier):
    """One process's part of a run on a stackful runtime: play() blocks."""

    def __init__(self, params, probe, runtime, event, socket_class=socket.socket):
        Sides.__init__(self, params, socket_class)
        Barrier.__init__(self, 1 if params["split"] else 2, event)
        self.probe, self.runtime = probe, runtime
        self.handlers = []  # the server's, in accept order: what the probe looks at

    def play(self, serve, client):
        """The run (see the module's docstring); its result."""
        servers, clients = self.start(serve, client), []
        for wave, end in self.waves():
            clients += [self.spawn(client, each, f"client-{each}") for each in wave]
            self.wait_for(end)  # -> clients, server; back when this wave is in
        self.runtime.snapshot(self.probe, self.handlers)  # -> probe; back when it has looked
        self.open()
        transcripts = [self.runtime.join(each) for each in clients]  # -> clients, till ended
        for server in servers:
            self.runtime.join(server)  # -> handlers; back when every connection has closed
        return self.result(transcripts, self.probe, self.runtime)

    def start(self, serve, client):
        """The server on each listener (none in split mode's child); in split mode's
        parent, the child process, which connects at once."""
        if self.samples is None:
            self.child = split.start(client.__module__, self.address[1], self.params)
        return [self.spawn(serve, each, "server") for each in self.listeners]

    def spawn(self, func, first, name):
        return self.runtime.spawn(func, first, self.params, self, name=name)

    def open(self):
        """Let the clients go (in split mode's parent: tell the child to)."""
        self.opened.set()
        if self.child:
            split.go(self.child)


class AsyncRendezvous(Rendezvous):
    """The same on a stackless runtime: play() is awaited, and awaits where the other blocks."""

    async def play(self, serve, client):
        servers, clients = self.start(serve, client), []
        for wave, end in self.waves():
            clients += [self.spawn(client, each, f"client-{each}") for each in wave]
            await self.wait_for(end)  # -> clients, server; back when this wave is in
        await self.runtime.snapshot(self.probe, self.handlers)  # -> probe; back when it has looked
        self.open()
        transcripts = [await self.runtime.join(each) for each in clients]  # -> clients, till ended
        for server in servers:
            await self.runtime.join(server)  # -> handlers; back when every connection has closed
        return self.result(transcripts, self.probe, self.runtime)


class ThreadRendezvous(ThreadBarrier, Rendezvous):
    """For threads: the barrier counts under a lock, waits through the runtime's block()."""

    def __init__(self, params, probe, runtime, event, socket_class):
        Rendezvous.__init__(self, params, probe, runtime, event, socket_class)
        self.lock, self.block = threading.Lock(), runtime.block
