"""The standalone HTTP server on OS threads (`fiberlab serve http`): never measured."""

import select

import os_threads
from os_threads.io import Socket
from scenarios.http.servers import ALONE, Acceptor, listen_on, quietly
from scenarios.http.threads import handle


def answer(conn):
    with quietly():
        handle(conn, ALONE)  # -> kernel while its socket is not ready


def accept_until_stopped(listener, stop):
    """Accepts until `stop` turns readable: a blocked accept() cannot be woken
    from another thread, so one select() waits on both."""
    acceptor = Acceptor()
    while stop not in os_threads.block(select.select, [listener, stop], [], [])[0]:  # -> kernel
        conn = acceptor.accept(listener, os_threads.sleep)  # ready: at once (None: out of fds)
        if conn is not None:
            os_threads.spawn(answer, conn, name="http")
    # The handler threads are daemons: the process ends with them.


def serve_forever(port, ready, stop):
    """The HTTP server alone: ready(address) once it listens; returns when `stop`
    (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        os_threads.run(accept_until_stopped, listener, stop)
