"""http on bare coroutines: non-blocking sockets parked on our own loop's selector.

The sockets: coroutines/bare_io.py. The parser: h11 (server_side.py, client_side.py). The
accept loop: connections' (coroutines_bare.py). Around them (waves, probe, joins): rendezvous.py.
"""

from coroutines import bare
from coroutines.bare_io import Event, Socket
from scenarios import http as spec
from scenarios.connections import coroutines_bare as connections

MECHANISM = "selector via own loop"  # how control moves (the table's mechanism column)


async def handle(conn, rendezvous):
    with conn:  # the server hangs up first: the last request says `connection: close`
        server = spec.Server()
        rendezvous.arrive()
        while server.open:
            data = await conn.recv(spec.READ_MAX)  # -> other tasks; back with bytes, b"" at EOF
            answer = server.answer(data)
            await conn.sendall(answer)  # -> other tasks while the send buffer is full


async def serve(listener, params, rendezvous):  # connections' accept loop, serving handle()
    await connections.serve(listener, params, rendezvous, handle)  # -> handlers, till all end


async def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        await sock.connect(rendezvous.address)  # -> other tasks; back when the handshake is done
        talk.connected()
        rendezvous.arrive()
        await rendezvous.opened.wait()  # -> other tasks; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            await sock.sendall(request)  # -> other tasks while the send buffer is full
            while talk.waiting():
                data = await sock.recv(spec.READ_MAX)  # -> other tasks; back with bytes, b"" at EOF
                talk.receive(data)
    return talk.as_dict()


async def main(params, probe):
    rendezvous = spec.AsyncRendezvous(params, probe, bare.RUNTIME, Event, Socket)
    return await rendezvous.play(serve, client)  # -> clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return bare.run(main, params, probe)
