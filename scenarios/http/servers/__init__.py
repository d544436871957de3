"""The standalone HTTP servers of `python -m fiberlab serve http --model M`: never measured.

One module per model file of the scenario, same names, each with
serve_forever(port, ready, stop): listen on 127.0.0.1:port, call ready(address),
answer HTTP/1.1 on every connection until `stop` (a socket) turns readable on
SIGINT or SIGTERM. Every connection runs the model file's own handle(), the one a
run measures, with ALONE for its rendezvous. The accept step, and its back-off
when out of file descriptors, is the connections servers' (connections/servers/).
Garbage and an oversized head get a 4xx and a close (server_side.py); a slow
client holds only its own handler.
"""

import contextlib

import h11

from scenarios.connections.servers import ACCEPT_RETRY_S, Acceptor, FdShortage, listen_on

__all__ = ["ACCEPT_RETRY_S", "ALONE", "Acceptor", "FdShortage", "listen_on", "quietly"]


class Alone:
    """The rendezvous of a handler that serves alone: nobody to meet at a barrier."""

    def arrive(self):
        pass  # no run to count it in


ALONE = Alone()


@contextlib.contextmanager
def quietly():
    """Around one connection's handler: a client that resets its connection, or breaks HTTP
    where no 4xx can be sent any more, ends its own handler, not the server."""
    try:
        yield
    except (ConnectionError, h11.ProtocolError):
        pass
