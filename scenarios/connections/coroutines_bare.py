"""connections on bare coroutines: non-blocking sockets parked on our own loop's selector.

Read beside greenlet_bare.py (the same program, with stacks) and
asyncio_tasks.py, then bare_io.py. Every blocking-style call is awaited:
bare_io.Socket tries each call non-blocking and, when it would block, traps
to our loop with bare.wait_readable/wait_writable (the socket stays
registered across waits) until the loop finds the socket ready. No asyncio inside.
"""

from time import perf_counter

from coroutines import bare
from scenarios.connections import ACCEPT_RETRY_S, HELLO_BYTES, HOST, FdShortage, READ_MAX, Transcript, connect_waves, connection_id, dropped, echo_bytes, hello, listen, message, no_delay, require_fds, reset_on_close, result, server_listener, split
from scenarios.connections.barrier import Barrier
from scenarios.connections.bare_io import Event, Socket
from scenarios.connections.samples import Samples, record

MECHANISM = "selector via own loop"  # how this file hands control over (the table's mechanism column)


async def receive_exactly(sock, size):
    echo = bytearray()
    while len(echo) < size:
        data = await sock.recv(size - len(echo))  # -> other tasks; back with bytes, or b"" at EOF
        if not data:
            raise ConnectionError(f"the peer hung up after {len(echo)} of {size} bytes")
        echo += data
    return echo


async def handle(conn, chunk, params, barrier):
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        connection = connection_id(await receive_exactly(conn, HELLO_BYTES))  # -> other tasks; back with the client's hello
        barrier.arrive()
        left = echo_bytes(params, connection)
        while left:
            data = await conn.recv(min(chunk, left))  # -> other tasks; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            await conn.sendall(data)  # -> other tasks while the send buffer is full
            left -= len(data)
        if dropped(params, connection):
            await conn.recv(1)  # -> other tasks; back when the client is in the middle of its next message
            reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest (see dropped())


async def serve(listener, params, barrier, handlers):
    chunk = params["server_chunk"] or READ_MAX
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = await listener.accept()  # -> other tasks; back with the next connection
            no_delay(conn)
            handlers.append(bare.spawn(handle, conn, chunk, params, barrier, name=f"handler-{len(handlers)}"))
    for handler in handlers:
        await bare.join(handler)  # -> handlers; back when this one has ended


async def client(connection, address, params, barrier, samples):
    transcript, started = Transcript(connection), perf_counter()
    with Socket() as sock:
        no_delay(sock)
        await sock.connect(address)  # -> other tasks; back when the handshake is done
        samples.connected(connection, perf_counter() - started)
        await sock.sendall(hello(connection))  # -> other tasks while the send buffer is full
        barrier.arrive()
        await barrier.opened.wait()  # -> other tasks; back when all are open and the probe has looked
        for index in range(params["messages"]):
            if params["delay_ms"]:
                await bare.sleep(params["delay_ms"] / 1000)  # -> other tasks; back after delay_ms: a slow client
            sent = message(connection, index, params["size"])
            started = perf_counter()
            try:
                await sock.sendall(sent)  # -> other tasks while the send buffer is full
                echo = await receive_exactly(sock, len(sent))  # -> other tasks; back with the whole echo
            except ConnectionError:
                transcript.lose()  # the server dropped this connection (see dropped() in the spec)
                break
            samples.round_trip(connection, index, perf_counter() - started)
            transcript.check(index, sent, echo)
        else:  # every echo came back: wait for the server to hang up
            transcript.check_end(await sock.recv(1))  # -> other tasks; back at EOF, when the server has hung up
    return transcript.as_dict()


async def run_clients(address, params, barrier, at_barrier):
    samples, clients = Samples(params["connections"], params["messages"]), []
    for first, end in connect_waves(params["connections"]):
        for connection in range(first, end):
            clients.append(bare.spawn(client, connection, address, params, barrier, samples, name=f"client-{connection}"))
        await barrier.wait_for(end)  # -> clients, server; back when this wave is in
    samples.all_connected()
    await at_barrier()  # the probe looks (in split mode's child: wait for the parent's go)
    barrier.opened.set()
    return [await bare.join(each) for each in clients], samples.summary()  # -> clients; back as each ends


async def main(params, probe):
    barrier, handlers = Barrier(1 if params["split"] else 2, Event), []
    listener = listen(Socket, params["connections"])
    address = listener.getsockname()
    server = bare.spawn(serve, listener, params, barrier, handlers, name="server")
    if params["split"]:
        child = split.start(__name__, address[1], params)
        await barrier.wait_for(params["connections"])  # -> server; back when every handler has started
        await bare.snapshot(probe, handlers)
        split.go(child)
        await bare.join(server)  # -> handlers; back when every connection has closed
        transcripts, summary = split.finish(child)
    else:
        transcripts, summary = await run_clients(address, params, barrier, lambda: bare.snapshot(probe, handlers))
        await bare.join(server)  # -> handlers; back when every connection has closed
    record(probe, summary)
    return result(transcripts)


def run(params, probe):
    require_fds(params)
    return bare.run(main, params, probe)


async def wait_for_go():
    split.wait_for_go()  # blocks the loop, harmlessly: every client is parked at the barrier


def clients_only(port, params):
    """The client side alone, in split mode's child process (see split.py)."""
    return bare.run(run_clients, (HOST, port), params, Barrier(1, Event), wait_for_go)


async def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := await conn.recv(READ_MAX):  # -> other tasks; back with bytes, or b"" at EOF
                await conn.sendall(data)  # -> other tasks while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


async def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = await listener.accept()  # -> other tasks; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await bare.sleep(ACCEPT_RETRY_S)  # -> echo tasks, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        bare.spawn(echo, conn, name="echo")


async def accept_until_stopped(listener, stop):
    bare.spawn(accept_forever, listener, name="acceptor")
    await bare.wait_readable(stop)  # -> acceptor, echo tasks; back on SIGINT or SIGTERM
    # The acceptor and echo tasks stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with server_listener(Socket, port) as listener:
        ready(listener.getsockname())
        bare.run(accept_until_stopped, listener, stop)
