"""Socket helpers written once for the runtimes' I/O layers.

receive_exactly() serves every blocking-style socket: ours (fibers/io.py),
gevent's (fibers/gevent_io.py) and the threads' (os_threads/io.py). Such a
socket's recv() returns bytes, or b"" at EOF, once it has them; where the
caller waits meanwhile is the socket's business (another fiber, the hub, the
kernel). The bare coroutine scheduler's sockets are awaited, so
coroutines/bare_io.py has its own receive_exactly().

NonBlockingSocket is what the Sockets of our two schedulers (fibers/io.py,
coroutines/bare_io.py) share: every step of a call but its wait, which each
writes in its own model (a call, or an await).
"""

import errno
import os
import socket


class NonBlockingSocket(socket.socket):
    __slots__ = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setblocking(False)

    def accept_now(self):
        """(a socket of this class, address) for a connection that waits; BlockingIOError if none does."""
        fd, address = self._accept()
        return type(self)(self.family, self.type, self.proto, fileno=fd), address

    def connect_started(self, address):
        """Start connecting to `address`: True while the handshake is under way
        (wait until writable, then connect_finished()), False once connected."""
        error = self.connect_ex(address)
        if error == errno.EINPROGRESS:
            return True
        self.raise_error(error)
        return False

    def connect_finished(self):
        self.raise_error(self.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))

    @staticmethod
    def raise_error(error):
        if error:
            raise OSError(error, os.strerror(error))


def receive_exactly(sock, size):
    """Exactly `size` bytes from `sock`; ConnectionError if the peer hangs up first."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))  # -> whatever sock.recv hands control to; back with bytes, or b"" at EOF
        if not chunk:
            raise ConnectionError(f"the peer hung up after {len(data)} of {size} bytes")
        data += chunk
    return data
