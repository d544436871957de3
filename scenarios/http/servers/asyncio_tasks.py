"""The standalone HTTP server on asyncio or uvloop (`fiberlab serve http`): never measured."""

import asyncio
import socket

import coroutines
from scenarios.http.asyncio_tasks import handle
from scenarios.http.servers import ACCEPT_RETRY_S, ALONE, FdShortage, listen_on, quietly


async def answer(reader, writer):
    with quietly():
        await handle(reader, writer, ALONE)  # -> loop while its socket is not ready


async def accept_forever(listener, handlers):
    """Our own accept loop, not start_server's: out of fds, asyncio's logs a traceback
    per failed accept and uvloop's silently closes queued connections."""
    shortage = FdShortage()
    while True:
        try:
            conn, _ = await asyncio.get_running_loop().sock_accept(listener)  # -> loop; with one
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await asyncio.sleep(ACCEPT_RETRY_S)  # -> loop, handlers, which may close some
            continue
        shortage.ends()
        reader, writer = await asyncio.open_connection(sock=conn)  # -> loop; back with the stream
        task = asyncio.create_task(answer(reader, writer), name="http")
        handlers.add(task)
        task.add_done_callback(handlers.discard)


async def accept_until_stopped(listener, stop):
    handlers = set()  # tasks ours to cancel (3.11's start_server would log each one)
    listener.setblocking(False)
    acceptor = asyncio.create_task(accept_forever(listener, handlers), name="acceptor")
    await asyncio.get_running_loop().sock_recv(stop, 1)  # -> loop, acceptor, handlers; on a signal
    for task in [acceptor, *handlers]:
        task.cancel()
    await asyncio.gather(acceptor, *handlers, return_exceptions=True)  # -> loop, till all ended


def serve_forever(port, ready, stop):
    """The HTTP server alone: ready(address) once it listens; returns when `stop`
    (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(socket.socket, port) as listener:
        ready(listener.getsockname())
        coroutines.run(accept_until_stopped(listener, stop))
