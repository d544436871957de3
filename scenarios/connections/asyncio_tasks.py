"""connections on asyncio: streams (start_server, open_connection), one task per connection.

Read beside greenlet_fibers.py and gevent_hub.py; only how a socket waits
differs. Streams, not protocols: a protocol's server side is callbacks
(data_received), with no suspended task per connection to compare with a
parked fiber or to show the probe; a stream handler is a task that awaits,
like a fiber that blocks. Underneath, the transport reads whatever has
arrived into the StreamReader's buffer, so server_chunk bounds each
reader.read() the handler makes, not the transport's recv. Transports set
TCP_NODELAY themselves, where the other two files call no_delay().
"""

import asyncio
import socket
from time import perf_counter

import coroutines
from scenarios.connections import ACCEPT_RETRY_S, HELLO_BYTES, HOST, FdShortage, READ_MAX, Transcript, connect_waves, connection_id, dropped, echo_bytes, hello, listen, listen_backlog, message, require_fds, reset_on_close, result, server_listener, split
from scenarios.connections.barrier import Barrier
from scenarios.connections.samples import Samples, record

MECHANISM = "stream via loop"  # how this file hands control over (the table's mechanism column)


async def close(writer):
    writer.close()
    try:
        await writer.wait_closed()  # -> loop; back when the transport has closed the socket
    except ConnectionError:
        pass  # a connection the server dropped ends with its error, already in the transcript


async def handle(reader, writer, chunk, params, barrier):
    try:  # the server hangs up first: see echo_bytes() in the spec
        connection = connection_id(await reader.readexactly(HELLO_BYTES))  # -> loop; back with the client's hello
        barrier.arrive()
        left = echo_bytes(params, connection)
        while left:
            data = await reader.read(min(chunk, left))  # -> loop; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            writer.write(data)
            await writer.drain()  # -> loop while the send buffer is full
            left -= len(data)
        if dropped(params, connection):
            await reader.read(1)  # -> loop; back when the client is in the middle of its next message
            reset_on_close(writer.get_extra_info("socket"))  # the close below sends RST: the client loses the rest (see dropped())
    finally:
        await close(writer)


async def serve(listener, params, barrier, handlers):
    chunk, everyone_in = params["server_chunk"] or READ_MAX, asyncio.Event()

    def accepted(reader, writer):  # start_server calls this per connection; the task is ours to name
        handlers.append(asyncio.create_task(handle(reader, writer, chunk, params, barrier), name=f"handler-{len(handlers)}"))
        if len(handlers) == params["connections"]:
            everyone_in.set()

    server = await asyncio.start_server(accepted, sock=listener, backlog=listen_backlog(params["connections"]))
    await everyone_in.wait()  # -> loop, which accepts; back with the last connection in
    server.close()
    await asyncio.gather(*handlers)  # -> loop, handlers; back when every one has ended
    await server.wait_closed()  # -> loop; back when the listener is closed


async def client(connection, address, params, barrier, samples):
    transcript, started = Transcript(connection), perf_counter()
    reader, writer = await asyncio.open_connection(*address)  # -> loop; back when the handshake is done
    try:
        samples.connected(connection, perf_counter() - started)
        writer.write(hello(connection))
        await writer.drain()  # -> loop while the send buffer is full
        barrier.arrive()
        await barrier.opened.wait()  # -> loop; back when all are open and the probe has looked
        for index in range(params["messages"]):
            if params["delay_ms"]:
                await asyncio.sleep(params["delay_ms"] / 1000)  # -> loop; back after delay_ms: a slow client
            sent = message(connection, index, params["size"])
            started = perf_counter()
            try:
                writer.write(sent)
                await writer.drain()  # -> loop while the send buffer is full
                echo = await reader.readexactly(len(sent))  # -> loop; back with the whole echo
            except (ConnectionError, asyncio.IncompleteReadError):  # IncompleteReadError: EOF in the middle
                transcript.lose()  # the server dropped this connection (see dropped() in the spec)
                break
            samples.round_trip(connection, index, perf_counter() - started)
            transcript.check(index, sent, echo)
        else:  # every echo came back: wait for the server to hang up
            transcript.check_end(await reader.read(1))  # -> loop; back at EOF, when the server has hung up
    finally:
        await close(writer)
    return transcript.as_dict()


async def run_clients(address, params, barrier, at_barrier):
    samples, clients = Samples(params["connections"], params["messages"]), []
    for first, end in connect_waves(params["connections"]):
        for connection in range(first, end):
            clients.append(asyncio.create_task(client(connection, address, params, barrier, samples), name=f"client-{connection}"))
        await barrier.wait_for(end)  # -> loop, clients, server; back when this wave is in
    samples.all_connected()
    await at_barrier()  # the probe looks (in split mode's child: wait for the parent's go)
    barrier.opened.set()
    return [await each for each in clients], samples.summary()  # -> loop, clients; back as each ends


async def main(params, probe):
    barrier, handlers = Barrier(1 if params["split"] else 2, asyncio.Event), []
    listener = listen(socket.socket, params["connections"])
    address = listener.getsockname()
    server = asyncio.create_task(serve(listener, params, barrier, handlers), name="server")
    if params["split"]:
        child = split.start(__name__, address[1], params)
        await barrier.wait_for(params["connections"])  # -> loop, server; back when every handler has started
        await coroutines.snapshot(probe, handlers)
        split.go(child)
        await server  # -> loop, handlers; back when every connection has closed
        transcripts, summary = split.finish(child)
    else:
        transcripts, summary = await run_clients(address, params, barrier, lambda: coroutines.snapshot(probe, handlers))
        await server  # -> loop, handlers; back when every connection has closed
    record(probe, summary)
    return result(transcripts)


def run(params, probe):
    require_fds(params)
    return coroutines.run(main(params, probe))


async def wait_for_go():
    split.wait_for_go()  # blocks the loop, harmlessly: every client is parked at the barrier


def clients_only(port, params):
    """The client side alone, in split mode's child process (see split.py)."""
    return coroutines.run(run_clients((HOST, port), params, Barrier(1, asyncio.Event), wait_for_go))


async def echo(reader, writer):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    try:
        while data := await reader.read(READ_MAX):  # -> loop; back with bytes, or b"" at EOF
            writer.write(data)
            await writer.drain()  # -> loop while the send buffer is full
        await close(writer)
    except ConnectionError:
        writer.close()  # a client that resets its connection ends its own handler, not the server
    except asyncio.CancelledError:
        writer.close()  # the server is stopping
        raise


async def accept_forever(listener, echoes):
    """Our own accept loop, not start_server's: out of fds, asyncio's logs a traceback
    per failed accept and uvloop's silently closes queued connections."""
    shortage = FdShortage()
    while True:
        try:
            conn, _ = await asyncio.get_running_loop().sock_accept(listener)  # -> loop; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await asyncio.sleep(ACCEPT_RETRY_S)  # -> loop, echo tasks, which may close some; back to try again
            continue
        shortage.ends()
        reader, writer = await asyncio.open_connection(sock=conn)  # -> loop; back with the stream (no I/O yet)
        task = asyncio.create_task(echo(reader, writer), name="echo")
        echoes.add(task)
        task.add_done_callback(echoes.discard)


async def accept_until_stopped(listener, stop):
    echoes = set()  # tasks ours to cancel (3.11's start_server would log each one)
    listener.setblocking(False)
    acceptor = asyncio.create_task(accept_forever(listener, echoes), name="acceptor")
    await asyncio.get_running_loop().sock_recv(stop, 1)  # -> loop, acceptor, echo tasks; back on SIGINT or SIGTERM
    for task in [acceptor, *echoes]:
        task.cancel()
    await asyncio.gather(acceptor, *echoes, return_exceptions=True)  # -> loop, tasks; back when every one has ended


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with server_listener(socket.socket, port) as listener:
        ready(listener.getsockname())
        coroutines.run(accept_until_stopped(listener, stop))
