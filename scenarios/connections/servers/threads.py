"""The standalone echo server on OS threads (`python -m harness serve connections`): never measured."""

import select

import os_threads
from os_threads.io import Socket
from scenarios.connections.servers import ACCEPT_RETRY_S, READ_MAX, FdShortage, listen_on, no_delay


def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> kernel; back with bytes, or b"" at EOF
                conn.sendall(data)  # -> kernel while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


def accept_forever(listener, stop):
    """Accepts until `stop` turns readable: a blocked accept() cannot be woken
    from another thread, so one select() waits on both."""
    shortage = FdShortage()
    while stop not in os_threads.block(select.select, [listener, stop], [], [])[0]:  # -> kernel; back on either
        try:
            conn, _ = listener.accept()  # ready: returns at once
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            os_threads.sleep(ACCEPT_RETRY_S)  # -> kernel, echo threads, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        os_threads.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    accept_forever(listener, stop)  # -> kernel, echo threads; back on SIGINT or SIGTERM
    # The echo threads are daemons: the process ends with them.


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        os_threads.run(accept_until_stopped, listener, stop)
