"""The standalone echo server on the gevent hub (`python -m harness serve connections`): never measured."""

import gevent

from fibers import gevent_glue
from fibers.gevent_io import Socket, wait_read
from scenarios.connections.servers import ACCEPT_RETRY_S, READ_MAX, FdShortage, listen_on, no_delay


def echo(conn):
    """The standalone server's handler: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> hub; back with bytes, or b"" at EOF
                conn.sendall(data)  # -> hub while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server


def accept_forever(listener):
    shortage = FdShortage()
    while True:
        try:
            conn, _ = listener.accept()  # -> hub; back with the next connection
        except OSError as exc:
            shortage.begins(exc)  # out of fds, said once; anything else is raised
            gevent.sleep(ACCEPT_RETRY_S)  # -> hub, echo greenlets, which may close some; back to try again
            continue
        shortage.ends()
        no_delay(conn)
        gevent_glue.spawn(echo, conn, name="echo")


def accept_until_stopped(listener, stop):
    acceptor = gevent_glue.spawn(accept_forever, listener, name="acceptor")
    wait_read(stop.fileno())  # -> hub, acceptor, echo greenlets; back on SIGINT or SIGTERM
    acceptor.kill()  # -> hub; back when the acceptor has ended (echo greenlets end with the process)


def serve_forever(port, ready, stop):
    """The echo server alone (`python -m harness serve`): ready(address) once it
    listens; returns when `stop` (a socket) turns readable, on SIGINT or SIGTERM."""
    with listen_on(Socket, port) as listener:
        ready(listener.getsockname())
        gevent_glue.run(accept_until_stopped, listener, stop)
