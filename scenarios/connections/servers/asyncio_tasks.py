"""The standalone echo server on asyncio or uvloop (`fiberlab serve connections`): not measured."""

import asyncio
import socket

import coroutines
from coroutines.streams import close
from scenarios.connections.servers import ACCEPT_RETRY_S, READ_MAX, FdShortage, listen_on


async def echo(reader, writer):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    try:
        while data := await reader.read(READ_MAX):  # -> loop; back with bytes, b"" at EOF
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
            loop = asyncio.get_running_loop()
            conn, _ = await loop.sock_accept(listener)  # -> loop; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await asyncio.sleep(ACCEPT_RETRY_S)  # -> loop, echo tasks (may close some), then retry
            continue
        shortage.ends()
        reader, writer = await asyncio.open_connection(sock=conn)  # -> loop; back with the stream
        task = asyncio.create_task(echo(reader, writer), name="echo")
        echoes.add(task)
        task.add_done_callback(echoes.discard)


async def accept_until_stopped(listener, stop):
    echoes = set()  # tasks ours to cancel (3.11's start_server would log each one)
    listener.setblocking(False)
    acceptor = asyncio.create_task(accept_forever(listener, echoes), name="acceptor")
    stopped = asyncio.get_running_loop().sock_recv(stop, 1)
    await stopped  # -> loop, acceptor, echo tasks; back on SIGINT or SIGTERM
    for task in [acceptor, *echoes]:
        task.cancel()
    await asyncio.gather(acceptor, *echoes, return_exceptions=True)  # -> loop, tasks, till all end


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m fiberlab serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(socket.socket, port) as listener:
        ready(listener.getsockname())
        coroutines.run(accept_until_stopped(listener, stop))
