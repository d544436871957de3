"""The standalone HTTP server on greenlet fibers (`fiberlab serve http`): never measured."""

import fibers
from fibers.io import Socket
from scenarios.http.greenlet_fibers import handle
from scenarios.http.servers import ALONE, Acceptor, listen_on, quietly


def answer(conn):
    with quietly():
        handle(conn, ALONE)  # -> other fibers while its socket is not ready


def accept_forever(listener):
    acceptor = Acceptor()
    while True:
        conn = acceptor.accept(listener, fibers.sleep)  # -> other fibers; back with one, or None
        if conn is not None:
            fibers.spawn(answer, conn, name="http")


def accept_until_stopped(listener, stop):
    fibers.spawn(accept_forever, listener, name="acceptor")
    fibers.wait_readable(stop)  # -> acceptor, handlers; back on SIGINT or SIGTERM
    # The acceptor and the handlers stay parked; the process ends with them.


def serve_forever(port, ready, stop):
    """The HTTP server alone: ready(address) once it listens; returns when `stop`
    (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        fibers.run(accept_until_stopped, listener, stop)
