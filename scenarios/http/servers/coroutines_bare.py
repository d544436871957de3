"""The standalone HTTP server on bare coroutines (`fiberlab serve http`): never measured."""

from coroutines import bare
from coroutines.bare_io import Socket
from scenarios.http.coroutines_bare import handle
from scenarios.http.servers import ACCEPT_RETRY_S, ALONE, FdShortage, listen_on, quietly


async def answer(conn):
    with quietly():
        await handle(conn, ALONE)  # -> other tasks while its socket is not ready


async def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = await listener.accept()  # -> other tasks; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await bare.sleep(ACCEPT_RETRY_S)  # -> handlers, which may close some; then again
            continue
        shortage.ends()
        bare.spawn(answer, conn, name="http")


async def accept_until_stopped(listener, stop):
    bare.spawn(accept_forever, listener, name="acceptor")
    await bare.wait_readable(stop)  # -> acceptor, handlers; back on SIGINT or SIGTERM
    # The acceptor and the handlers stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The HTTP server alone: ready(address) once it listens; returns when `stop`
    (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        bare.run(accept_until_stopped, listener, stop)
