"""The standalone echo server on greenlet fibers (`fiberlab serve connections`), not measured."""

import fibers
from fibers.io import Socket
from scenarios.connections.servers import Acceptor, echo, listen_on


def accept_forever(listener):
    acceptor = Acceptor()
    while True:
        conn = acceptor.accept(listener, fibers.sleep)  # -> other fibers; back with one, or None
        if conn is not None:
            fibers.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    fibers.spawn(accept_forever, listener, name="acceptor")
    fibers.wait_readable(stop)  # -> acceptor, echo fibers; back on SIGINT or SIGTERM
    # The acceptor and echo fibers stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m fiberlab serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        fibers.run(accept_until_stopped, listener, stop)
