"""connections on asyncio: streams (start_server, open_connection), a task per connection.

The streams: coroutines/streams.py. Around them (waves, probe, joins): rendezvous.py."""

import asyncio

import coroutines
from coroutines.streams import close, connection as open_stream
from scenarios import connections as spec

MECHANISM = "stream via loop"  # how control moves (the table's mechanism column)


async def handle(reader, writer, rendezvous):
    chunk, params = rendezvous.chunk, rendezvous.params
    try:  # the server hangs up first: see echo_bytes() in the spec
        hello = await reader.readexactly(spec.HELLO_BYTES)  # -> loop; back with its hello
        connection = spec.connection_id(hello)
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = await reader.read(min(chunk, left))  # -> loop; back with bytes, b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            writer.write(data)
            await writer.drain()  # -> loop while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            await reader.read(1)  # -> loop; back midway through the client's next message
            spec.reset_on_close(writer.get_extra_info("socket"))  # the close below sends RST
    finally:
        await close(writer)  # -> loop; back when the transport has closed the socket


async def serve(listener, params, rendezvous, handle=handle):  # http's files: their own handle()
    handlers, everyone_in = rendezvous.handlers, asyncio.Event()
    backlog = spec.listen_backlog(params["connections"])  # start_server listens again: 100 else

    def accepted(reader, writer):  # start_server calls it per connection; we name the task
        handling = handle(reader, writer, rendezvous)
        handlers.append(asyncio.create_task(handling, name=f"handler-{len(handlers)}"))
        if len(handlers) == params["connections"]:
            everyone_in.set()
    async with await asyncio.start_server(accepted, sock=listener, backlog=backlog):  # -> loop
        await everyone_in.wait()  # -> loop, which accepts; back with the last connection in
    for handler in handlers:
        await handler  # -> loop, handlers; back when this one has ended


async def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    async with open_stream(rendezvous.address) as (reader, writer):  # -> loop; back when connected
        transcript.connected()
        writer.write(spec.hello(connection))
        await writer.drain()  # -> loop while the send buffer is full
        rendezvous.arrive()
        await rendezvous.opened.wait()  # -> loop; back when the probe has looked
        try:
            for index in range(params["messages"]):
                if params["delay_ms"]:
                    await asyncio.sleep(params["delay_ms"] / 1000)  # -> loop for delay_ms
                writer.write(sent := transcript.send(index, params["size"]))  # its clock starts
                await writer.drain()  # -> loop while the send buffer is full
                echo = await reader.readexactly(len(sent))  # -> loop; back with its echo
                transcript.received(index, sent, echo)
            end = await reader.read(1)  # -> loop; back at EOF, when the server has hung up
            transcript.check_end(end)
        except (ConnectionError, asyncio.IncompleteReadError):  # IncompleteReadError: EOF midway
            transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    return transcript.as_dict()  # the stream closed on the way out of `async with`, error or not


async def main(params, probe):
    rendezvous = spec.AsyncRendezvous(params, probe, coroutines.RUNTIME, asyncio.Event)
    return await rendezvous.play(serve, client)  # -> loop, clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return coroutines.run(main(params, probe))
