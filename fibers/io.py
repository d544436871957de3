"""Our greenlet scheduler's I/O layer: what gevent.socket is to gevent (fibers/gevent_io.py).

Socket is a non-blocking socket.socket whose blocking calls try the system
call and, when it would block, park the fiber in fibers.wait_readable /
wait_writable until the scheduler's selector reports the socket ready; then
try again. The selector keeps the socket registered from its first wait until
close() (runtime/wakeups.py), so a wait costs no registration syscall, as with
gevent. receive_exactly() (runtime/io.py) reads a whole message; Event is
fibers.Event; here so one import line brings a scenario file what it needs.
"""

import fibers
from fibers.event import Event
from runtime.io import NonBlockingSocket, receive_exactly

__all__ = ["Event", "Socket", "receive_exactly"]


class Socket(NonBlockingSocket):
    __slots__ = ()

    def close(self):
        fibers.forget(self)  # the scheduler keeps a socket registered across waits, until now
        super().close()

    def accept(self):
        while True:
            try:
                return self.accept_now()
            except BlockingIOError:
                fibers.wait_readable(self)  # -> other fibers; back when a connection waits

    def connect(self, address):
        if self.connect_started(address):
            fibers.wait_writable(self)  # -> other fibers; back when the handshake is done
            self.connect_finished()

    def recv(self, most):
        while True:
            try:
                return super().recv(most)
            except BlockingIOError:
                fibers.wait_readable(self)  # -> other fibers; back when bytes (or EOF) arrive

    def sendall(self, data):
        view = memoryview(data)
        while view:
            try:
                view = view[self.send(view):]
            except BlockingIOError:
                fibers.wait_writable(self)  # -> other fibers; back when the send buffer has room
