"""The standalone echo servers of `python -m fiberlab serve connections --model M`: never measured.

One module per model file of the scenario, same names, each with
serve_forever(port, ready, stop): listen on 127.0.0.1:port, call
ready(address), echo bytes on every connection until `stop` (a socket) turns
readable on SIGINT or SIGTERM. They use the same runtime I/O layer as the
measured files (fibers/io.py, fibers/gevent_io.py, coroutines/bare_io.py,
asyncio streams, os_threads/io.py) but live apart from them, so a model file
holds only what a run measures.
"""

import errno
import sys

from scenarios.connections import PARAMS, READ_MAX, listen, no_delay

__all__ = ["ACCEPT_RETRY_S", "Acceptor", "FdShortage", "READ_MAX", "echo", "listen_on", "no_delay"]

# accept() failures an acceptor waits out (see FdShortage)
OUT_OF_FDS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
ACCEPT_RETRY_S = 0.05  # how long an acceptor waits, out of fds, before it tries again


def listen_on(socket_class, port):
    """The server's listener on HOST:port, with room for as many waiting
    connections as the largest run opens."""
    return listen(socket_class, PARAMS[0].maximum, port)


class FdShortage:
    """An acceptor out of file descriptors. The connection stays queued in the
    kernel, so the listener stays readable: an acceptor that only waited for
    readability would spin. Each model's acceptor sleeps ACCEPT_RETRY_S in its
    own model and tries again; this says so on stderr once per episode (not
    once per failed accept()) and re-raises anything else."""

    def __init__(self):
        self.ongoing = False

    def begins(self, exc):
        if exc.errno not in OUT_OF_FDS:
            raise exc
        if not self.ongoing:
            self.ongoing = True
            print(f"fiberlab serve: out of file descriptors ({exc.strerror}); "
                  f"accepting again as connections close", file=sys.stderr, flush=True)

    def ends(self):
        self.ongoing = False


class Acceptor(FdShortage):
    """The accept step of an acceptor on a blocking-style socket (ours, gevent's, the threads')."""

    def accept(self, listener, sleep):
        """The next connection, TCP_NODELAY set; None when out of fds, after sleep(ACCEPT_RETRY_S)
        in the model's own sleep (its other units, the echo handlers, may close some meanwhile)."""
        try:
            # Where the model waits: other fibers, the hub, the kernel.
            conn, _ = listener.accept()  # -> wherever the model waits; back with a connection
        except OSError as exc:
            self.begins(exc)  # out of fds, said once; anything else is raised
            sleep(ACCEPT_RETRY_S)  # -> the echo handlers, which may close some; back to try again
            return None
        self.ends()
        no_delay(conn)
        return conn


def echo(conn):
    """A handler on a blocking-style socket: plain byte echo until the client hangs up."""
    with conn:
        try:
            while data := conn.recv(READ_MAX):  # -> where the model waits; back with bytes or b""
                conn.sendall(data)  # -> wherever the model waits, while the send buffer is full
        except ConnectionError:
            pass  # a client that resets its connection ends its own handler, not the server
