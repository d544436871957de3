"""http — a keep-alive HTTP/1.1 server and its clients, every model parsing with h11.

A server written in the model accepts `connections` TCP connections on
127.0.0.1; clients written in the same model each open one connection, wait
at a barrier until every connection is open (so the peak really holds that
many), then send `requests` requests on it, one at a time, each read back in
full before the next. The last request says `Connection: close`, so the
server hangs up first (its side keeps the TIME_WAIT, as in connections).
With split=true (which the harness sets above what one process holds) the
clients run in a child process on the same runtime and loop, as in connections.

Every model parses and serialises with the same sans-IO library, h11
(server_side.py, client_side.py): parsing costs the same everywhere, and the model files differ
only in how they hand over while a socket is not ready. The requests are a
fixed mix (request_of()): GET /item/<k>, whose body is item_size(k) bytes,
from a few bytes to tens of kilobytes, and POST /echo, whose body comes back.
One op is one request answered. The result is per connection the sha256 of
every response's status, content-length and body, in order, so a model that
mis-frames a response (a byte short, a byte too many) is a mismatch.

The model files are one program each: handle (one connection on the server),
serve (the accept loop: connections' of the same model, serving this handle),
client, and main, which hands serve and client to the rendezvous (rendezvous.py:
the barrier, the connect waves, the probe, the joins, the clocks, split mode).
The servers of `fiberlab serve http` (servers/) run the model files' own
handle(), alone.

Measurements that differ from run to run go through probe.record, never into
the result: "latency_s" (one request: send it, read its whole response),
"requests_per_s" (requests over the time from the barrier opening to every
connection closed), "connect_latency_s", "connect_s" and "sides" as in connections.
"""

import hashlib
import resource
import socket
from functools import lru_cache

from scenarios.connections import listen_backlog
from scenarios.spec import Param, Spec

SUMMARY = "a keep-alive HTTP/1.1 server and its clients in one model, every model parsing with h11"

PARAMS = (
    # At most what split mode's server process holds under a 20,000 open-file limit.
    Param("connections", 500, 1, 19_000, "keep-alive connections open at once"),
    Param("requests", 20, 1, 10_000, "requests each connection sends, one after another"),
    Param("split", False, 0, 1,
          "clients in a child process (needed above ~9,900 connections)", kind=bool),
)

TASK_COUNT = ("connections", 2)  # a server handler and a client per connection
SMALL = {"connections": 40, "requests": 5}  # quick correctness check in the tests
# Memory-slope runs need open connections, not traffic; unsplit, so the worker
# holds both tasks of each connection, as TASK_COUNT says.
IDLE = {"requests": 1, "split": False}
SERVER = "scenarios.http.servers"  # `fiberlab serve`: a module per model file, with serve_forever()

HOST = "127.0.0.1"  # the only interface a server binds
READ_MAX = 65_536  # most bytes a read takes
FD_MARGIN = 64  # stdio, the poller, the listener, pipes, the runtime's own descriptors
ITEMS = 48  # GET /item/0 .. /item/47
ECHO_EVERY = 4  # one request in four (by its hash) is a POST /echo
ECHO_MOST = 4_096  # bytes of an echo request's body, at most


def ops(params):
    return params["connections"] * params["requests"]


def fds_needed(params):
    """File descriptors the busiest process holds: two per connection (both ends) in one
    process, one per connection when the clients are split off (connections' split.py)."""
    per_connection = 1 if params.get("split") else 2
    return per_connection * params["connections"] + FD_MARGIN


def require_fds(params):
    """Refuse at once a run that would run out of file descriptors midway."""
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if fds_needed(params) > limit:
        hint = "" if params.get("split") else "; split=true puts the clients in a process apart"
        raise OSError(f"{params['connections']:,} connections need {fds_needed(params):,} file "
                      f"descriptors, the limit is {limit:,}{hint}")


def threads_needed(params):
    """Threads the threads model has alive at once in its busiest process: a handler (and,
    unless split, a client) per connection, the server, the probe (os_threads.require_threads)."""
    return (1 if params.get("split") else 2) * params["connections"] + 2


def no_delay(sock):
    """Send small writes at once, as asyncio's transports do (connections' no_delay)."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def item_size(k):
    """Bytes in the body of /item/k: 8 for k=0, growing by a fifth per k to ~42 KB at k=47."""
    return int(8 * 1.2**k)


@lru_cache(maxsize=ITEMS)
def item(k):
    """The body of /item/k: item_size(k) bytes, different for every k."""
    seed = hashlib.sha256(b"item:%d" % k).digest()
    return (seed * (item_size(k) // len(seed) + 1))[:item_size(k)]


def request_of(connection, index):
    """(method, target, body) of a connection's index-th request: fixed by the pair alone."""
    seed = hashlib.sha256(b"%d:%d" % (connection, index)).digest()
    pick = int.from_bytes(seed[:4], "big")
    if pick % ECHO_EVERY == 0:
        size = 1 + pick // ECHO_EVERY % ECHO_MOST
        return "POST", "/echo", (seed * (size // len(seed) + 1))[:size]
    return "GET", f"/item/{pick // ECHO_EVERY % ITEMS}", b""


def respond(method, target, body):
    """(status, body) the server answers a request with: the lab's whole application."""
    if method == "POST" and target == "/echo":
        return 200, body
    prefix, _, number = target.partition("/item/")
    if method == "GET" and not prefix and number.isdigit() and int(number) < ITEMS:
        return 200, item(int(number))
    return 404, b"not found\n"


class Transcript:
    """What one connection received: every response's status, length and body, hashed, counted."""

    __slots__ = ("connection", "sha256", "responses", "received_bytes")

    def __init__(self, connection):
        self.connection = connection
        self.sha256 = hashlib.sha256()
        self.responses = 0
        self.received_bytes = 0

    def add(self, status, content_length, body):
        self.sha256.update(b"%d %s\n" % (status, content_length))
        self.sha256.update(body)
        self.responses += 1
        self.received_bytes += len(body)

    def as_dict(self):
        return {"connection": self.connection, "sha256": self.sha256.hexdigest(),
                "responses": self.responses, "bytes": self.received_bytes}


def result(transcripts):
    """The canonical result from every connection's transcript (as_dict), any order."""
    transcripts = sorted(transcripts, key=lambda transcript: transcript["connection"])
    totals = {"connections": len(transcripts),
              "responses": sum(transcript["responses"] for transcript in transcripts),
              "bytes": sum(transcript["bytes"] for transcript in transcripts)}
    return {"connections": transcripts, "totals": totals}


def reference(params):
    transcripts = []
    for connection in range(params["connections"]):
        transcript = Transcript(connection)
        for index in range(params["requests"]):
            status, body = respond(*request_of(connection, index))
            transcript.add(status, b"%d" % len(body), body)
        transcripts.append(transcript.as_dict())
    return result(transcripts)


# What the harness reads (scenarios/spec.py Spec); the names above stay for the model files.
SPEC = Spec(name="http", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference, SMALL=SMALL,
            TASK_COUNT=TASK_COUNT, IDLE=IDLE, fds_needed=fds_needed, SERVER=SERVER,
            WAITS=True)  # sockets, and split clients' CPU in another process: judged on wall time

# What the model files use beyond this spec, under one name (`spec.Rendezvous`, `spec.Server`).
# Imported last: those modules read the names above through this module.
from scenarios.http.rendezvous import AsyncRendezvous, Rendezvous, ThreadRendezvous  # noqa: E402
from scenarios.http.server_side import Server  # noqa: E402

__all__ = ["AsyncRendezvous", "Rendezvous", "Server", "ThreadRendezvous", "listen_backlog"]
