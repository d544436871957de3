"""http on asyncio: streams (start_server, open_connection), a task per connection.

The streams: coroutines/streams.py. The parser: h11 (server_side.py, client_side.py).
Around them (waves, probe, joins): rendezvous.py.
"""

import asyncio

from coroutines import runner
from coroutines.streams import close
from scenarios import http as spec

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


async def serve(listener, params, rendezvous):
    handlers, everyone_in = rendezvous.handlers, asyncio.Event()
    backlog = spec.listen_backlog(params["connections"])  # start_server listens again: 100 else

    def accepted(reader, writer):  # start_server calls it per connection; we name the task
        name = f"handler-{len(handlers)}"
        handlers.append(asyncio.create_task(handle(reader, writer, rendezvous), name=name))
        if len(handlers) == params["connections"]:
            everyone_in.set()
    async with await asyncio.start_server(accepted, sock=listener, backlog=backlog):  # -> loop
        await everyone_in.wait()  # -> loop, which accepts; back with the last connection in
    for handler in handlers:
        await handler  # -> loop, handlers; back when this one has ended


async def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    reader, writer = await asyncio.open_connection(*rendezvous.address)  # -> loop; till connected
    try:
        talk.connected()
        rendezvous.arrive()
        await rendezvous.opened.wait()  # -> loop; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            writer.write(request)
            await writer.drain()  # -> loop while the send buffer is full
            while talk.waiting():
                data = await reader.read(spec.READ_MAX)  # -> loop; back with bytes, b"" at EOF
                talk.receive(data)
    finally:
        await close(writer)  # -> loop; back when the transport has closed the socket
    return talk.as_dict()


async def main(params, probe):
    rendezvous = spec.AsyncRendezvous(params, probe, runner.RUNTIME, asyncio.Event)
    return await rendezvous.play(serve, client)  # -> loop, clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return runner.run(main(params, probe))
