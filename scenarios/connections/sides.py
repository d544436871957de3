"""Which side of a connections run is in this process: the server, the clients, or both.

Both, unless split=true (split.py): then the worker serves every connection
and connects none, and its child process, started by the rendezvous, serves
none and connects all of them to the port in params[split.SERVER_PORT]. The
result says per side what ran it (runtime/process.py's side(): the runtime and
its loop), so a run whose two processes differ in more than where they are
shows it: the "sides" record, {"server": ..., "clients": ...}.
http's rendezvous (scenarios/http/rendezvous.py) plays the same sides, with its own
round trips (EXCHANGES), clients and canonical result.
"""

from runtime import process
from scenarios import connections as spec
from scenarios.connections import split
from scenarios.connections.samples import Samples, record


class Sides:
    """This process's listeners, the address the clients connect to, the clients'
    clocks (None where no client runs) and split mode's child (set by the rendezvous)."""

    EXCHANGES = "messages"  # the parameter counting each connection's timed round trips

    def __init__(self, params, socket_class):
        self.params = params
        self.server_port = params.get(split.SERVER_PORT)  # set in split mode's child only
        self.listeners, self.child, self.samples = [], None, None
        self.chunk = params.get("server_chunk") or spec.READ_MAX  # most bytes a handler reads
        if self.server_port is None:
            self.listeners.append(spec.listen(socket_class, params["connections"]))
            self.address = self.listeners[0].getsockname()
        else:
            self.address = (spec.HOST, self.server_port)
        if not params["split"] or self.server_port is not None:  # the clients run here
            self.samples = Samples(params["connections"], params[self.EXCHANGES])

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

    def result(self, transcripts, probe, runtime):
        """The run's result from the clients' transcripts; their timings and both sides to
        the probe (split mode: the child's, once it has ended; in the child: all to the parent)."""
        here = process.side(runtime)
        if self.child:
            transcripts, summary, clients = split.finish(self.child)
        else:
            summary, clients = self.samples.summary(), here
        if self.server_port is not None:
            return {"transcripts": transcripts, "samples": summary, "side": here}
        probe.record("sides", {"server": here, "clients": clients})
        record(probe, summary)
        return self.canonical(transcripts)

    def canonical(self, transcripts):
        """The scenario's result from every connection's transcript."""
        return spec.result(transcripts)
