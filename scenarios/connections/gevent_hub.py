"""connections on the gevent hub: gevent.socket, no monkey-patching, no gevent.server.

Read beside greenlet_fibers.py and asyncio_tasks.py. This file and
greenlet_fibers.py are the same program — blocking-style accept, connect,
recv and sendall — and differ only under the socket: here gevent.socket
tries each call non-blocking and, when it would block, waits on a libev
watcher that stays with the socket, so a wait costs no registration
syscall; the hub runs the loop and switches the greenlet back in. The
accept loop is written out rather than left to gevent.server.StreamServer,
so that it reads line for line like the other two files.
"""

from time import perf_counter

import gevent
from gevent.event import Event
from gevent.socket import socket as Socket, wait_read

from fibers import gevent_glue
from scenarios.connections import ACCEPT_RETRY_S, HELLO_BYTES, HOST, FdShortage, READ_MAX, Transcript, connect_waves, connection_id, dropped, echo_bytes, hello, listen, message, no_delay, require_fds, reset_on_close, result, server_listener, split
from scenarios.connections.barrier import Barrier
from scenarios.connections.samples import Samples, record

MECHANISM = "libev watcher via hub"  # how this file hands control over (the table's mechanism column)


def receive_exactly(sock, size):
    echo = bytearray()
    while len(echo) < size:
        data = sock.recv(size - len(echo))  # -> hub; back with bytes, or b"" at EOF
        if not data:
            raise ConnectionError(f"the peer hung up after {len(echo)} of {size} bytes")
        echo += data
    return echo


def handle(conn, chunk, params, barrier):
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        connection = connection_id(receive_exactly(conn, HELLO_BYTES))  # -> hub; back with the client's hello
        barrier.arrive()
        left = echo_bytes(params, connection)
        while left:
            data = conn.recv(min(chunk, left))  # -> hub; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            conn.sendall(data)  # -> hub while the send buffer is full
            left -= len(data)
        if dropped(params, connection):
            conn.recv(1)  # -> hub; back when the client is in the middle of its next message
            reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest (see dropped())


def serve(listener, params, barrier, handlers):
    chunk = params["server_chunk"] or READ_MAX
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = listener.accept()  # -> hub; back with the next connection
            no_delay(conn)
            handlers.append(gevent_glue.spawn(handle, conn, chunk, params, barrier, name=f"handler-{len(handlers)}"))
    gevent.joinall(handlers)  # -> hub, handlers; back when every one has ended


def client(connection, address, params, barrier, samples):
    transcript, started = Transcript(connection), perf_counter()
    with Socket() as sock:
        no_delay(sock)
        sock.connect(address)  # -> hub; back when the handshake is done
        samples.connected(connection, perf_counter() - started)
        sock.sendall(hello(connection))  # -> hub while the send buffer is full
        barrier.arrive()
        barrier.opened.wait()  # -> hub; back when all are open and the probe has looked
        for index in range(params["messages"]):
            if params["delay_ms"]:
                gevent.sleep(params["delay_ms"] / 1000)  # -> hub; back after delay_ms: a slow client
            sent = message(connection, index, params["size"])
            started = perf_counter()
            try:
                sock.sendall(sent)  # -> hub while the send buffer is full
                echo = receive_exactly(sock, len(sent))  # -> hub; back with the whole echo
            except ConnectionError:
                transcript.lose()  # the server dropped this connection (see dropped() in the spec)
                break
            samples.round_trip(connection, index, perf_counter() - started)
            transcript.check(index, sent, echo)
        else:  # every echo came back: wait for the server to hang up
            transcript.check_end(sock.recv(1))  # -> hub; back at EOF, when the server has hung up
    return transcript.as_dict()


def run_clients(address, params, barrier, at_barrier):
    samples, clients = Samples(params["connections"], params["messages"]), []
    for first, end in connect_waves(params["connections"]):
        for connection in range(first, end):
            clients.append(gevent_glue.spawn(client, connection, address, params, barrier, samples, name=f"client-{connection}"))
        barrier.wait_for(end)  # -> hub, clients, server; back when this wave is in
    samples.all_connected()
    at_barrier()  # the probe looks (in split mode's child: wait for the parent's go)
    barrier.opened.set()
    return [each.get() for each in clients], samples.summary()  # -> hub, clients; back as each ends


def main(params, probe):
    barrier, handlers = Barrier(1 if params["split"] else 2, Event), []
    listener = listen(Socket, params["connections"])
    address = listener.getsockname()
    server = gevent_glue.spawn(serve, listener, params, barrier, handlers, name="server")
    if params["split"]:
        child = split.start(__name__, address[1], params)
        barrier.wait_for(params["connections"])  # -> hub, server; back when every handler has started
        gevent_glue.snapshot(probe, handlers)
        split.go(child)
        server.get()  # -> hub, handlers; back when every connection has closed
        transcripts, summary = split.finish(child)
    else:
        transcripts, summary = run_clients(address, params, barrier, lambda: gevent_glue.snapshot(probe, handlers))
        server.get()  # -> hub, handlers; back when every connection has closed
    record(probe, summary)
    return result(transcripts)


def run(params, probe):
    require_fds(params)
    return gevent_glue.run(main, params, probe)


def clients_only(port, params):
    """The client side alone, in split mode's child process (see split.py)."""
    return gevent_glue.run(run_clients, (HOST, port), params, Barrier(1, Event), split.wait_for_go)


def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> hub; back with bytes, or b"" at EOF
                conn.sendall(data)  # -> hub while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = listener.accept()  # -> hub; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            gevent.sleep(ACCEPT_RETRY_S)  # -> hub, echo greenlets, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        gevent_glue.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    acceptor = gevent_glue.spawn(accept_forever, listener, name="acceptor")
    wait_read(stop.fileno())  # -> hub, acceptor, echo greenlets; back on SIGINT or SIGTERM
    acceptor.kill()  # -> hub; back when the acceptor has ended (echo greenlets end with the process)


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with server_listener(Socket, port) as listener:
        ready(listener.getsockname())
        gevent_glue.run(accept_until_stopped, listener, stop)
