"""The standalone echo server on greenlet fibers (`python -m harness serve connections`): never measured."""

import fibers
from fibers.io import Socket
from scenarios.connections.servers import ACCEPT_RETRY_S, READ_MAX, FdShortage, listen_on, no_delay


def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> other fibers; back with bytes, or b"" at EOF
                conn.sendall(data)  # -> other fibers while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = listener.accept()  # -> other fibers; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            fibers.sleep(ACCEPT_RETRY_S)  # -> echo fibers, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        fibers.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    fibers.spawn(accept_forever, listener, name="acceptor")
    fibers.wait_readable(stop)  # -> acceptor, echo fibers; back on SIGINT or SIGTERM
    # The acceptor and echo fibers stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        fibers.run(accept_until_stopped, listener, stop)
