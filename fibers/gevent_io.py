"""gevent's I/O layer, as fibers/io.py is ours: what a gevent_hub.py scenario file imports for sockets.

Socket is gevent.socket.socket (no monkey-patching): each call tries the
system call and, when it would block, waits on a libev watcher that stays
with the socket, so a wait costs no registration syscall; the hub switches
the greenlet back in once the socket is ready. receive_exactly() (runtime/io.py)
reads a whole message; Event is gevent.event.Event.
"""

from gevent.event import Event
from gevent.socket import socket as Socket, wait_read

from runtime.io import receive_exactly

__all__ = ["Event", "Socket", "receive_exactly", "wait_read"]
