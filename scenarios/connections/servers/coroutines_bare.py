"""The standalone echo server on bare coroutines (`fiberlab serve connections`), not measured."""

from coroutines import bare
from coroutines.bare_io import Socket
from scenarios.connections.servers import ACCEPT_RETRY_S, READ_MAX, FdShortage, listen_on, no_delay


async def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := await conn.recv(READ_MAX):  # -> other tasks; back with bytes, b"" at EOF
                await conn.sendall(data)  # -> other tasks while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


async def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = await listener.accept()  # -> other tasks; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            await bare.sleep(ACCEPT_RETRY_S)  # -> echo tasks (may close some); back to retry
            continue
        shortage.ends()
        no_delay(conn)
        bare.spawn(echo, conn, name="echo")


async def accept_until_stopped(listener, stop):
    bare.spawn(accept_forever, listener, name="acceptor")
    await bare.wait_readable(stop)  # -> acceptor, echo tasks; back on SIGINT or SIGTERM
    # The acceptor and echo tasks stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m fiberlab serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        bare.run(accept_until_stopped, listener, stop)
