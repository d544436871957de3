"""The standalone echo server on the gevent hub (`fiberlab serve connections`), not measured."""

import gevent

from fibers import gevent_glue
from fibers.gevent_io import Socket, wait_read
from scenarios.connections.servers import Acceptor, echo, listen_on


def accept_forever(listener):
    acceptor = Acceptor()
    while True:
        conn = acceptor.accept(listener, gevent.sleep)  # -> hub; back with a connection, or None
        if conn is not None:
            gevent_glue.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    acceptor = gevent_glue.spawn(accept_forever, listener, name="acceptor")
    wait_read(stop.fileno())  # -> hub, acceptor, echo greenlets; back on SIGINT or SIGTERM
    acceptor.kill()  # -> hub; back when the acceptor has ended (echoes end with the process)


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m fiberlab serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        gevent_glue.run(accept_until_stopped, listener, stop)
