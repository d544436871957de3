"""connections — an echo server and its clients, thousands of loopback connections at once.

A server written in the model accepts `connections` TCP connections on
127.0.0.1 and echoes every byte back; clients written in the same model
each open one connection, wait at a barrier until every connection is open
(so the peak really holds that many), then send `messages` messages of `size`
bytes, read each echo back in full and check it byte for byte. One op is one
message echoed. The result is per connection the sha256 of every byte it
received, sorted by connection id, plus totals.

Faults, both off by default. drop=F: the server drops a fraction F of the
connections abruptly, a set that depends on the connection id alone
(dropped()), so every model and the reference agree on it. To know the id,
the server reads a 4-byte hello each client sends after connecting. A dropped
connection is echoed messages//2 messages in full; then the server waits for
the first byte of the next one and closes with RST (SO_LINGER 0). The client
has by then received exactly those echoes — it sends a message only after
the whole previous echo came back — so what it got is the same on every run:
its transcript says "lost", how many messages and bytes it received, and the
result lists the lost connection ids. delay_ms=N: each client sleeps N ms
(in its model's own sleep) before each message, a slow client.

The model files are one program each, written so that a diff of two shows
only how each model suspends: handle (one connection on the server), serve
(the accept loop), client, and main, which hands serve and client to the
rendezvous and plays it (rendezvous.py: serve, connect the clients in waves,
let the probe look, open the barrier, join). Each imports its runtime's I/O
layer (fibers/io.py, fibers/gevent_io.py, coroutines/bare_io.py,
coroutines/streams.py, os_threads/io.py) and this spec as `spec`; what of a
run is not a suspension is in rendezvous.py and beside it (the barrier, the
sides of a run, the clients' timings, split mode's other process). The servers of `harness
serve` are in servers/, apart from what a run measures. The probe sees the
server handlers only, each parked in its first read of a message: the
per-connection cost of a server in this model. (The clients are parked at
the barrier, a state a real client is never in.)

Measurements that differ from run to run go through probe.record, never
into the result: "latency_s" (one round trip: send a message, read its whole
echo), "connect_latency_s" (one connect), both summarized by summarize(),
"connect_s" (first connect to every connection open) and "connects_per_s"
(connections / connect_s, the set-up rate).
See samples.py; split.py runs the clients in a process of their own.
"""

import hashlib
import resource
import socket
import struct
from time import perf_counter

from scenarios.spec import Param, Spec

SUMMARY = "an echo server and its clients in one model; thousands of connections open at once"

PARAMS = (
    Param("connections", 1_000, 1, 10_000,
          "connections open at once (one server handler and one client each)"),
    Param("messages", 10, 1, 100_000, "messages each connection sends and reads back"),
    Param("size", 1_024, 1, 65_536, "bytes per message"),
    Param("server_chunk", 0, 0, 65_536,
          "most bytes the server takes per read (0: whatever is there)"),
    Param("split", False, 0, 1,
          "clients in a child process (needed above ~9,900 connections)", kind=bool),
    Param("drop", 0.0, 0.0, 1.0,
          "fraction of connections the server resets midway (the same ids every run)", kind=float),
    Param("delay_ms", 0, 0, 10_000, "ms each client sleeps before each message (a slow client)"),
)

TASK_COUNT = ("connections", 2)  # a server handler and a client per connection
# Not TIME_BY: connections is the concurrency the scenario shows (1,000 open at once), so it is
# timed at the requested size (fewer values per process when a run is long).
SMALL = {"connections": 50, "messages": 3, "size": 512}  # quick correctness check in the tests
# Memory-slope runs need open connections, not traffic; unsplit, so the worker
# holds both tasks of each connection, as TASK_COUNT says.
IDLE = {"messages": 1, "size": 16, "split": False}
SERVER = "scenarios.connections.servers"  # `fiberlab serve`: a module per model file

HOST = "127.0.0.1"  # the only interface a server binds
READ_MAX = 65_536  # what server_chunk=0 means: take up to this much per read
CONNECT_WAVE = 512  # clients connecting at once; well under the listen backlog
FD_MARGIN = 64  # stdio, the poller, the listener, pipes, the runtime's own descriptors
HELLO_BYTES = 4  # a client's first bytes: its connection id, so the server knows which ones to drop


def ops(params):
    if not params["drop"]:
        return params["connections"] * params["messages"]
    return sum(messages_echoed(params, connection) for connection in range(params["connections"]))


def hello(connection):
    return connection.to_bytes(HELLO_BYTES, "big")


def connection_id(hello_bytes):
    return int.from_bytes(hello_bytes, "big")


def dropped(params, connection):
    """Whether the server drops this connection midway: a hash of the id below
    the fraction `drop`, so the set is fixed by the id alone and about
    drop × connections large."""
    position = int.from_bytes(hashlib.sha256(b"drop:%d" % connection).digest()[:8], "big")
    return position < params["drop"] * 2**64


def messages_echoed(params, connection):
    """Messages the connection gets back in full: all, or half (rounded down) when dropped."""
    return params["messages"] // 2 if dropped(params, connection) else params["messages"]


def reset_on_close(sock):
    """Make close() abrupt: SO_LINGER 0 sends RST and discards what is unsent,
    where a plain close would send FIN (a clean end of stream)."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def echo_bytes(params, connection):
    """What a server handler echoes before it hangs up: every message in full
    (of a dropped connection, only the messages before the drop).

    The server hangs up first and each client waits for that EOF
    before closing. The side that closes first keeps the connection in
    TIME_WAIT for a minute; on the server's side that costs nothing, while on
    the clients' side 10,000 ephemeral ports per run would stay taken and
    slow down the connects of the next runs (the harness repeats each run)."""
    return messages_echoed(params, connection) * params["size"]


def fds_needed(params):
    """File descriptors the busiest process holds: two per connection (both
    ends) in one process, one per connection when the clients are split off."""
    per_connection = 1 if params.get("split") else 2
    return per_connection * params["connections"] + FD_MARGIN


def require_fds(params):
    """Refuse at once a run that would run out of file descriptors midway
    (where it would hang, clients waiting on a server that cannot accept)."""
    limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if fds_needed(params) > limit:
        hint = "" if params.get("split") else "; split=true puts the clients in a process apart"
        raise OSError(f"{params['connections']:,} connections need {fds_needed(params):,} "
                      f"file descriptors, the limit is {limit:,}{hint}")


def message(connection, index, size):
    """The index-th message of a connection: `size` bytes, different for every
    (connection, index), cheap to make."""
    seed = hashlib.sha256(b"%d:%d" % (connection, index)).digest()
    return (seed * (size // len(seed) + 1))[:size]


def listen_backlog(connections):
    """Room for every connection that may wait to be accepted; the kernel caps
    the backlog at net.core.somaxconn, so ask for no more than that."""
    try:
        with open("/proc/sys/net/core/somaxconn") as handle:
            cap = int(handle.read())
    except OSError:
        cap = socket.SOMAXCONN
    return max(1, min(connections, cap))


def listen(socket_class, connections, port=0):
    """A listening TCP socket of `socket_class` on HOST:port (0: the kernel picks a free one)."""
    listener = socket_class(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, port))
    listener.listen(listen_backlog(connections))
    return listener


def threads_needed(params):
    """Threads the threads model has alive at once in its busiest process: a handler (and,
    unless split, a client) per connection, the server, the probe (os_threads.require_threads)."""
    return (1 if params["split"] else 2) * params["connections"] + 2


def no_delay(sock):
    """Send small writes at once, as asyncio's transports do on their own:
    with Nagle on, one-byte echoes would wait for delayed ACKs."""
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def connect_waves(connections):
    """(first, end) ranges of connection ids to connect together. A wave starts
    once the previous one is in, so the accept queue never overflows (an
    overflow drops the SYN and the client retries a second later)."""
    wave = min(CONNECT_WAVE, max(1, listen_backlog(connections) // 2))
    return [(first, min(first + wave, connections)) for first in range(0, connections, wave)]


class EchoMismatch(AssertionError):
    """An echo differs from the message sent."""


class Transcript:
    """What one connection received: checked against what it sent, hashed, counted.

    A client's transcript also keeps its clocks (`samples`, see samples.py):
    the connect clock starts when it is made, a round trip's when send() has
    made the message; connected() and received() stop them first thing, so a
    clock spans the I/O and the calls around it, nothing else."""

    __slots__ = ("connection", "sha256", "messages", "received_bytes", "lost", "samples", "started",
                 "expected")

    def __init__(self, connection, samples=None, expected=None):
        self.connection = connection
        self.expected = expected  # echoes the client will ask for, or None (the reference)
        self.sha256 = hashlib.sha256()
        self.messages = 0  # echoes received in full and checked
        self.received_bytes = 0
        self.lost = False  # the connection broke before the last echo
        self.samples = samples  # None: not timed (the reference)
        self.started = perf_counter()

    def connected(self):
        seconds = perf_counter() - self.started
        self.samples.connected(self.connection, seconds)

    def send(self, index, size):
        """The index-th message, its round trip's clock started."""
        sent = message(self.connection, index, size)
        self.started = perf_counter()
        return sent

    def received(self, index, sent, echo):
        seconds = perf_counter() - self.started
        self.samples.round_trip(self.connection, index, seconds)
        self.check(index, sent, echo)

    def lose(self):
        """The connection broke. A drop (dropped()) always comes before the last echo, so a break
        after it (a reset where the server should have closed) is an error, said as one."""
        if self.expected is not None and self.messages == self.expected:
            raise ConnectionError(f"connection {self.connection}: reset after its last echo, "
                                  f"where the server should have closed it")
        self.lost = True

    def check(self, index, sent, echo):
        if echo != sent:
            raise EchoMismatch(f"connection {self.connection}, message {index}: "
                               f"echo differs from what was sent")
        self.sha256.update(echo)
        self.messages += 1
        self.received_bytes += len(echo)

    def check_end(self, after_last):
        if after_last:
            raise EchoMismatch(f"connection {self.connection}: bytes after the last echo")

    def as_dict(self):
        return {"connection": self.connection, "sha256": self.sha256.hexdigest(),
                "messages": self.messages, "bytes": self.received_bytes, "lost": self.lost}


def summarize(result):
    """What the harness prints beside the digest: which connections lost data."""
    return {"lost_connections": result["lost"]} if result["lost"] else None


def result(transcripts):
    """The canonical result from every connection's transcript (as_dict), any order."""
    transcripts = sorted(transcripts, key=lambda transcript: transcript["connection"])
    totals = {
        "connections": len(transcripts),
        "messages": sum(transcript["messages"] for transcript in transcripts),
        "bytes": sum(transcript["bytes"] for transcript in transcripts),
        "lost": sum(transcript["lost"] for transcript in transcripts),
    }
    lost = [transcript["connection"] for transcript in transcripts if transcript["lost"]]
    return {"connections": transcripts, "lost": lost, "totals": totals}


def reference(params):
    transcripts = []
    for connection in range(params["connections"]):
        transcript = Transcript(connection)
        for index in range(messages_echoed(params, connection)):
            sent = message(connection, index, params["size"])
            transcript.check(index, sent, sent)
        if dropped(params, connection):
            transcript.lose()
        transcripts.append(transcript.as_dict())
    return result(transcripts)


# What the harness reads (scenarios/spec.py Spec); the names above stay for model files and tests.
SPEC = Spec(name="connections", SUMMARY=SUMMARY, PARAMS=PARAMS, ops=ops, reference=reference,
            SMALL=SMALL, TASK_COUNT=TASK_COUNT, IDLE=IDLE, summarize=summarize,
            fds_needed=fds_needed, SERVER=SERVER, WAITS=True)  # sockets: judged on wall time


# What the model files use beyond this spec, under one name (`spec.Rendezvous`). Imported
# last: rendezvous.py reads the names above through this module at run time.
from scenarios.connections.rendezvous import (  # noqa: E402
    AsyncRendezvous,
    Rendezvous,
    ThreadRendezvous,
)

__all__ = ["AsyncRendezvous", "Rendezvous", "ThreadRendezvous"]
