"""http on asyncio: streams (start_server, open_connection), a task per connection.

The streams: coroutines/streams.py. The parser: h11 (server_side.py, client_side.py). The
accept loop: connections' (asyncio_tasks.py). Around them (waves, probe, joins): rendezvous.py.
"""

import asyncio

import coroutines
from coroutines.streams import close, connection as open_stream
from scenarios import http as spec
from scenarios.connections import asyncio_tasks as connections

MECHANISM = "stream via loop"  # how control moves (the table's mechanism column)


async def handle(reader, writer, rendezvous):
    try:  # the server hangs up first: the last request says `connection: close`
        server = spec.Server()
        rendezvous.arrive()
        while server.open:
            data = await reader.read(spec.READ_MAX)  # -> loop; back with bytes, b"" at EOF
            writer.write(server.answer(data))
            await writer.drain()  # -> loop while the send buffer is full
    finally:
        await close(writer)  # -> loop; back when the transport has closed the socket


async def serve(listener, params, rendezvous):  # connections' accept loop, serving handle()
    await connections.serve(listener, params, rendezvous, handle)  # -> handlers, till all end


async def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    async with open_stream(rendezvous.address) as (reader, writer):  # -> loop; back when connected
        talk.connected()
        rendezvous.arrive()
        await rendezvous.opened.wait()  # -> loop; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            writer.write(request)
            await writer.drain()  # -> loop while the send buffer is full
            while talk.waiting():
                data = await reader.read(spec.READ_MAX)  # -> loop; back with bytes, b"" at EOF
                talk.receive(data)
    return talk.as_dict()  # the stream closed on the way out of `async with`, error or not


async def main(params, probe):
    rendezvous = spec.AsyncRendezvous(params, probe, coroutines.RUNTIME, asyncio.Event)
    return await rendezvous.play(serve, client)  # -> loop, clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return coroutines.run(main(params, probe))
