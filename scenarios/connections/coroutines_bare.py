"""connections on bare coroutines: non-blocking sockets parked on our own loop's selector.

The sockets: coroutines/bare_io.py. Around them (waves, probe, joins): rendezvous.py.
"""

from coroutines import bare
from coroutines.bare_io import Event, Socket, receive_exactly
from scenarios import connections as spec

MECHANISM = "selector via own loop"  # how control moves (the table's mechanism column)


async def handle(conn, rendezvous):
    chunk, params = rendezvous.chunk, rendezvous.params
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        hello = await receive_exactly(conn, spec.HELLO_BYTES)  # -> other tasks; back with its hello
        connection = spec.connection_id(hello)
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = await conn.recv(min(chunk, left))  # -> other tasks; back with bytes, b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            await conn.sendall(data)  # -> other tasks while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            await conn.recv(1)  # -> other tasks; back midway through the client's next message
            spec.reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest


async def serve(listener, params, rendezvous, handle=handle):  # http's files: their own handle()
    handlers = rendezvous.handlers
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = await listener.accept()  # -> other tasks; back with the next connection
            spec.no_delay(conn)
            name = f"handler-{len(handlers)}"
            handlers.append(bare.spawn(handle, conn, rendezvous, name=name))
    for handler in handlers:
        await bare.join(handler)  # -> handlers; back when this one has ended


async def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        await sock.connect(rendezvous.address)  # -> other tasks; back when the handshake is done
        transcript.connected()
        await sock.sendall(spec.hello(connection))  # -> other tasks while the send buffer is full
        rendezvous.arrive()
        await rendezvous.opened.wait()  # -> other tasks; back when the probe has looked
        try:
            for index in range(params["messages"]):
                if params["delay_ms"]:
                    await bare.sleep(params["delay_ms"] / 1000)  # -> other tasks for delay_ms
                sent = transcript.send(index, params["size"])  # its round trip's clock starts
                await sock.sendall(sent)  # -> other tasks while the send buffer is full
                echo = await receive_exactly(sock, len(sent))  # -> other tasks; back with its echo
                transcript.received(index, sent, echo)
            end = await sock.recv(1)  # -> other tasks; back at EOF, when the server has hung up
            transcript.check_end(end)
        except ConnectionError:
            transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    return transcript.as_dict()


async def main(params, probe):
    rendezvous = spec.AsyncRendezvous(params, probe, bare.RUNTIME, Event, Socket)
    return await rendezvous.play(serve, client)  # -> clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return bare.run(main, params, probe)
