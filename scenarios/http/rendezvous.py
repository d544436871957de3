"""An http run's choreography, as connections' (its barrier, waves, listener and clocks).

A model file hands its serve() and client() to play(): start the server, connect the
clients in waves, let the probe look at the handlers, open the barrier, join the clients,
then the server. The model file holds only how a handler and a client suspend; this calls
the runtime through its contract alone (spawn, join, snapshot)."""

import socket
import threading
from time import perf_counter

from scenarios import http as spec
from scenarios.connections import connect_waves, listen
from scenarios.connections.barrier import Barrier, ThreadBarrier
from scenarios.connections.samples import Samples, record
from scenarios.http.client_side import Client


class Rendezvous(Barrier):
    """One run on a stackful runtime: play() blocks."""

    def __init__(self, params, probe, runtime, event, socket_class=socket.socket):
        super().__init__(2, event)  # a client and a server handler arrive per connection
        self.params, self.probe, self.runtime = params, probe, runtime
        self.listener = listen(socket_class, params["connections"])
        self.address = self.listener.getsockname()
        self.handlers = []  # the server's, in accept order: what the probe looks at
        self.samples = Samples(params["connections"], params["requests"])
        self.opened_at = None  # when the traffic began

    def play(self, serve, client):  # the run (see the module's docstring); its result
        server, clients = self.spawn(serve, self.listener, "server"), []
        for first, end in connect_waves(self.params["connections"]):
            clients += [self.spawn(client, each, f"client-{each}") for each in range(first, end)]
            self.wait_for(end)  # -> clients, server; back when this wave is in
        self.runtime.snapshot(self.probe, self.handlers)  # -> probe; back when it has looked
        self.open()
        transcripts = [self.runtime.join(each) for each in clients]  # -> clients, till ended
        self.runtime.join(server)  # -> handlers; back when every connection has closed
        return self.result(transcripts)

    def spawn(self, func, first, name):  # serve(listener, ...) or client(connection, ...)
        return self.runtime.spawn(func, first, self.params, self, name=name)

    def client(self, connection):  # a client's h11 side, its connect clock started
        return Client(connection, self.params["requests"], self.samples)

    def open(self):  # the clients go, the traffic clock started
        self.samples.all_connected()
        self.opened_at = perf_counter()
        self.opened.set()

    def result(self, transcripts):  # the result; the clocks to the probe, requests/s among them
        traffic_s = perf_counter() - self.opened_at
        rate = {"traffic_s": traffic_s, "requests_per_s": spec.ops(self.params) / traffic_s}
        record(self.probe, self.samples.summary() | rate)
        return spec.result(transcripts)


class AsyncRendezvous(Rendezvous):
    """The same on a stackless runtime: play() is awaited, and awaits where the other blocks."""

    async def play(self, serve, client):
        server, clients = self.spawn(serve, self.listener, "server"), []
        for first, end in connect_waves(self.params["connections"]):
            clients += [self.spawn(client, each, f"client-{each}") for each in range(first, end)]
            await self.wait_for(end)  # -> clients, server; back when this wave is in
        await self.runtime.snapshot(self.probe, self.handlers)  # -> probe; back when it has looked
        self.open()
        transcripts = [await self.runtime.join(each) for each in clients]  # -> clients, till ended
        await self.runtime.join(server)  # -> handlers; back when every connection has closed
        return self.result(transcripts)


class ThreadRendezvous(ThreadBarrier, Rendezvous):
    """For threads: the barrier counts under a lock, waits through the runtime's block()."""

    def __init__(self, params, probe, runtime, event, socket_class):
        Rendezvous.__init__(self, params, probe, runtime, event, socket_class)
        self.lock, self.block = threading.Lock(), runtime.block
