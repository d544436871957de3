"""The standalone HTTP server on the gevent hub (`fiberlab serve http`): never measured."""

import gevent

from fibers import gevent_glue
from fibers.gevent_io import Socket, wait_read
from scenarios.http.gevent_hub import handle
from scenarios.http.servers import ALONE, Acceptor, listen_on, quietly


def answer(conn):
    with quietly():
        handle(conn, ALONE)  # -> hub while its socket is not ready


def accept_forever(listener):
    acceptor = Acceptor()
    while True:
        conn = acceptor.accept(listener, gevent.sleep)  # -> hub; back with one, or None
        if conn is not None:
            gevent_glue.spawn(answer, conn, name="http")


def accept_until_stopped(listener, stop):
    acceptor = gevent_glue.spawn(accept_forever, listener, name="acceptor")
    wait_read(stop.fileno())  # -> hub, acceptor, handlers; back on SIGINT or SIGTERM
    acceptor.kill()  # -> hub; back when the acceptor has ended (handlers end with the process)


def serve_forever(port, ready, stop):
    """The HTTP server alone: ready(address) once it listens; returns when `stop`
    (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        gevent_glue.run(accept_until_stopped, listener, stop)
