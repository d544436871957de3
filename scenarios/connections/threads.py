"""connections on OS threads: blocking sockets, one thread per server handler and per client.

Read beside greenlet_fibers.py and gevent_hub.py. All three are the same
program — blocking-style accept, connect, recv and sendall — and differ only
under the socket: here os_threads.Socket is a plain blocking socket, the
thread sleeps in the system call itself, and the kernel wakes it when bytes
arrive; no selector, no loop. 1,000 connections are 2,001 threads (handler
and client each, and the accept loop); above os_threads.THREAD_LIMIT the
run is refused, and split=true halves what one process holds.
"""

import select
import threading
from time import perf_counter

import os_threads
from os_threads import Socket
from scenarios.connections import ACCEPT_RETRY_S, HELLO_BYTES, HOST, FdShortage, READ_MAX, Transcript, connect_waves, connection_id, dropped, echo_bytes, hello, listen, message, no_delay, require_fds, reset_on_close, result, server_listener, split
from scenarios.connections import barrier
from scenarios.connections.samples import Samples, record

MECHANISM = "blocking syscall"  # how this file hands control over (the table's mechanism column)


def threads_needed(params):
    """The busiest process: a handler per connection, the accept loop, the probe's
    own, and (unless split) a client per connection."""
    per_connection = 1 if params["split"] else 2
    return per_connection * params["connections"] + 2


class Barrier(barrier.Barrier):
    """barrier.Barrier for threads: arrivals come from many threads at once, so they count under a lock."""

    def __init__(self, parties):
        super().__init__(parties, threading.Event)
        self.lock = threading.Lock()

    def arrive(self):
        with self.lock:
            super().arrive()

    def wait_for(self, connections):
        with self.lock:
            self.target = self.parties * connections
            if self.arrived < self.target:
                self.enough.clear()
            else:
                self.enough.set()
        os_threads.block(self.enough.wait)  # -> kernel; back when `connections` are in


def receive_exactly(sock, size):
    echo = bytearray()
    while len(echo) < size:
        data = sock.recv(size - len(echo))  # -> kernel; back with bytes, or b"" at EOF
        if not data:
            raise ConnectionError(f"the peer hung up after {len(echo)} of {size} bytes")
        echo += data
    return echo


def handle(conn, chunk, params, barrier):
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        connection = connection_id(receive_exactly(conn, HELLO_BYTES))  # -> kernel; back with the client's hello
        barrier.arrive()
        left = echo_bytes(params, connection)
        while left:
            data = conn.recv(min(chunk, left))  # -> kernel; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            conn.sendall(data)  # -> kernel while the send buffer is full
            left -= len(data)
        if dropped(params, connection):
            conn.recv(1)  # -> kernel; back when the client is in the middle of its next message
            reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest (see dropped())


def serve(listener, params, barrier, handlers):
    chunk = params["server_chunk"] or READ_MAX
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = listener.accept()  # -> kernel; back with the next connection
            no_delay(conn)
            handlers.append(os_threads.spawn(handle, conn, chunk, params, barrier, name=f"handler-{len(handlers)}"))
    for handler in handlers:
        os_threads.join(handler)  # -> kernel; back when this one has ended


def client(connection, address, params, barrier, samples):
    transcript, started = Transcript(connection), perf_counter()
    with Socket() as sock:
        no_delay(sock)
        sock.connect(address)  # -> kernel; back when the handshake is done
        samples.connected(connection, perf_counter() - started)
        sock.sendall(hello(connection))  # -> kernel while the send buffer is full
        barrier.arrive()
        os_threads.block(barrier.opened.wait)  # -> kernel; back when all are open and the probe has looked
        for index in range(params["messages"]):
            if params["delay_ms"]:
                os_threads.sleep(params["delay_ms"] / 1000)  # -> kernel; back after delay_ms: a slow client
            sent = message(connection, index, params["size"])
            started = perf_counter()
            try:
                sock.sendall(sent)  # -> kernel while the send buffer is full
                echo = receive_exactly(sock, len(sent))  # -> kernel; back with the whole echo
            except ConnectionError:
                transcript.lose()  # the server dropped this connection (see dropped() in the spec)
                break
            samples.round_trip(connection, index, perf_counter() - started)
            transcript.check(index, sent, echo)
        else:  # every echo came back: wait for the server to hang up
            transcript.check_end(sock.recv(1))  # -> kernel; back at EOF, when the server has hung up
    return transcript.as_dict()


def run_clients(address, params, barrier, at_barrier):
    samples, clients = Samples(params["connections"], params["messages"]), []
    for first, end in connect_waves(params["connections"]):
        for connection in range(first, end):
            clients.append(os_threads.spawn(client, connection, address, params, barrier, samples, name=f"client-{connection}"))
        barrier.wait_for(end)  # -> kernel; back when this wave is in
    samples.all_connected()
    at_barrier()  # the probe looks (in split mode's child: wait for the parent's go)
    barrier.opened.set()
    return [os_threads.join(each) for each in clients], samples.summary()  # -> kernel; back as each ends


def main(params, probe):
    barrier, handlers = Barrier(1 if params["split"] else 2), []
    listener = listen(Socket, params["connections"])
    address = listener.getsockname()
    server = os_threads.spawn(serve, listener, params, barrier, handlers, name="server")
    if params["split"]:
        child = split.start(__name__, address[1], params)
        barrier.wait_for(params["connections"])  # -> kernel; back when every handler has started
        os_threads.snapshot(probe, handlers)
        split.go(child)
        os_threads.join(server)  # -> kernel; back when every connection has closed
        transcripts, summary = split.finish(child)
    else:
        transcripts, summary = run_clients(address, params, barrier, lambda: os_threads.snapshot(probe, handlers))
        os_threads.join(server)  # -> kernel; back when every connection has closed
    record(probe, summary)
    return result(transcripts)


def run(params, probe):
    require_fds(params)
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(main, params, probe)


def clients_only(port, params):
    """The client side alone, in split mode's child process (see split.py)."""
    return os_threads.run(run_clients, (HOST, port), params, Barrier(1), split.wait_for_go)


def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> kernel; back with bytes, or b"" at EOF
                conn.sendall(data)  # -> kernel while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


def accept_forever(listener, stop):
    """Accepts until `stop` turns readable: a blocked accept() cannot be woken
    from another thread, so one select() waits on both."""
    shortage = FdShortage()
    while stop not in os_threads.block(select.select, [listener, stop], [], [])[0]:  # -> kernel; back on either
        try:
            conn, _ = listener.accept()  # ready: returns at once
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            os_threads.sleep(ACCEPT_RETRY_S)  # -> kernel, echo threads, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        os_threads.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    accept_forever(listener, stop)  # -> kernel, echo threads; back on SIGINT or SIGTERM
    # The echo threads are daemons: the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with server_listener(Socket, port) as listener:
        ready(listener.getsockname())
        os_threads.run(accept_until_stopped, listener, stop)
