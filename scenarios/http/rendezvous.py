"""An http run's choreography: connections' rendezvous (scenarios/connections/rendezvous.py),
with h11 clients, requests for round trips and a traffic clock.

A model file hands its serve() and client() to play(): start the server, connect the
clients in waves, let the probe look at the handlers, open the barrier, join the clients,
then the server. Above what one process holds (split=true) the clients run in a child
process on the same runtime and loop (connections' split.py and sides.py), and the result
says per side what ran it (the "sides" record). The model file holds only how a handler
and a client suspend; this calls the runtime through its contract alone (spawn, join,
snapshot).
"""

from time import perf_counter

from scenarios import connections, http as spec
from scenarios.connections.samples import record
from scenarios.http.client_side import Client


class HttpSides:
    """What http changes in connections' Sides; mixed in before each of its rendezvous."""

    EXCHANGES = "requests"  # a connection's timed round trips: its requests
    opened_at = None  # when the barrier opened: the traffic clock starts

    def client(self, connection):
        """A client's h11 side, its connect clock started."""
        return Client(connection, self.params["requests"], self.samples)

    def canonical(self, transcripts):
        return spec.result(transcripts)

    def open(self):
        self.opened_at = perf_counter()
        super().open()

    def result(self, transcripts, probe, runtime):
        """As connections', plus requests/s in the process that opened the barrier: from then
        until every connection has closed (split: the server's side of each)."""
        traffic_s = perf_counter() - self.opened_at
        outcome = super().result(transcripts, probe, runtime)
        if self.server_port is None:  # not split mode's child: its probe records nothing
            rate = spec.ops(self.params) / traffic_s
            record(probe, {"traffic_s": traffic_s, "requests_per_s": rate})
        return outcome


class Rendezvous(HttpSides, connections.Rendezvous):
    """One process's part of a run on a stackful runtime: play() blocks."""


class AsyncRendezvous(HttpSides, connections.AsyncRendezvous):
    """The same on a stackless runtime: play() is awaited."""


class ThreadRendezvous(HttpSides, connections.ThreadRendezvous):
    """For threads: the barrier counts under a lock, waits through the runtime's block()."""
