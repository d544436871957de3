"""connections on asyncio: streams (start_server, open_connection), a task per connection (coroutines/streams.py)."""

import asyncio

import coroutines
from coroutines.streams import close
from scenarios import connections as spec

MECHANISM = "stream via loop"  # how this file hands control over (the table's mechanism column)


async def handle(reader, writer, chunk, params, rendezvous):
    try:  # the server hangs up first: see echo_bytes() in the spec
        connection = spec.connection_id(await reader.readexactly(spec.HELLO_BYTES))  # -> loop; back with the client's hello
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = await reader.read(min(chunk, left))  # -> loop; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            writer.write(data)
            await writer.drain()  # -> loop while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            await reader.read(1)  # -> loop; back when the client is in the middle of its next message
            spec.reset_on_close(writer.get_extra_info("socket"))  # the close below sends RST: the client loses the rest (see dropped())
    finally:
        await close(writer)


async def serve(listener, params, rendezvous, handlers):
    chunk, everyone_in = params["server_chunk"] or spec.READ_MAX, asyncio.Event()

    def accepted(reader, writer):  # start_server calls this per connection; the task is ours to name
        handlers.append(asyncio.create_task(handle(reader, writer, chunk, params, rendezvous), name=f"handler-{len(handlers)}"))
        if len(handlers) == params["connections"]:
            everyone_in.set()
    async with await asyncio.start_server(accepted, sock=listener, backlog=spec.listen_backlog(params["connections"])):
        await everyone_in.wait()  # -> loop, which accepts; back with the last connection in (then the listener closes)
    await asyncio.gather(*handlers)  # -> loop, handlers; back when every one has ended


async def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    reader, writer = await asyncio.open_connection(*rendezvous.address)  # -> loop; back when the handshake is done
    transcript.connected()
    writer.write(spec.hello(connection))
    await writer.drain()  # -> loop while the send buffer is full
    rendezvous.arrive()
    await rendezvous.opened.wait()  # -> loop; back when all are open and the probe has looked
    try:
        for index in range(params["messages"]):
            if params["delay_ms"]:
                await asyncio.sleep(params["delay_ms"] / 1000)  # -> loop; back after delay_ms: a slow client
            writer.write(sent := transcript.send(index, params["size"]))  # its round trip's clock starts
            await writer.drain()  # -> loop while the send buffer is full
            transcript.received(index, sent, await reader.readexactly(len(sent)))  # -> loop; back with the whole echo
        transcript.check_end(await reader.read(1))  # -> loop; back at EOF, when the server has hung up
    except (ConnectionError, asyncio.IncompleteReadError):  # IncompleteReadError: EOF in the middle
        transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    await close(writer)  # -> loop; back when the transport has closed the socket
    return transcript.as_dict()


async def main(params, probe):
    rendezvous, handlers, clients = spec.Rendezvous(params, asyncio.Event, __name__), [], []
    servers = [asyncio.create_task(serve(each, params, rendezvous, handlers), name="server") for each in rendezvous.listeners]  # none in split mode's child
    for wave, end in rendezvous.waves():  # the ids this process connects (none in split mode's parent: its child does)
        clients += [asyncio.create_task(client(each, params, rendezvous), name=f"client-{each}") for each in wave]
        await rendezvous.wait_for(end)  # -> loop, clients, server; back when this wave is in
    await coroutines.snapshot(probe, handlers)  # -> loop, probe task; back when it has looked (in split mode's child: at the parent's go, see split.Go)
    rendezvous.open()
    transcripts = [await each for each in clients]  # -> loop, clients; back as each ends
    await asyncio.gather(*servers)  # -> loop, handlers; back when every connection has closed
    return rendezvous.result(transcripts, probe)


def run(params, probe):
    spec.require_fds(params)
    return coroutines.run(main(params, probe))
