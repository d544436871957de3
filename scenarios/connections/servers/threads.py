"""The standalone echo server on OS threads (`fiberlab serve connections`), not measured."""

import select

import os_threads
from os_threads.io import Socket
from scenarios.connections.servers import Acceptor, echo, listen_on


def accept_forever(listener, stop):
    """Accepts until `stop` turns readable: a blocked accept() cannot be woken
    from another thread, so one select() waits on both."""
    acceptor = Acceptor()
    while True:
        readable, _, _ = os_threads.block(select.select, [listener, stop], [], [])  # -> kernel
        if stop in readable:
            break
        conn = acceptor.accept(listener, os_threads.sleep)  # ready: at once (None: out of fds)
        if conn is not None:
            os_threads.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    accept_forever(listener, stop)  # -> kernel, echo threads; back on SIGINT or SIGTERM
    # The echo threads are daemons: the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m fiberlab serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        os_threads.run(accept_until_stopped, listener, stop)
