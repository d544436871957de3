"""fibers/io.py for the bare coroutine scheduler: the same layer, with `async def` and `await`.

Read beside fibers/io.py; only the suspensions differ. Socket is a
non-blocking socket.socket whose blocking calls are coroutines: they try the
system call and, when it would block, await bare.wait_readable /
wait_writable (one trap; the socket stays registered from its first wait
until close(), see runtime/wakeups.py) until our loop's selector reports it
ready; then try again. receive_exactly() reads a whole message; Event is
bare.Event; here so one import line brings a scenario file what it needs.
"""

from coroutines import bare
from coroutines.bare import Event

from runtime.io import NonBlockingSocket

__all__ = ["Event", "Socket", "receive_exactly"]


class Socket(NonBlockingSocket):
    __slots__ = ()

    def close(self):
        bare.forget(self)  # the scheduler keeps a socket registered across waits, until now
        super().close()

    async def accept(self):
        while True:
            try:
                return self.accept_now()
            except BlockingIOError:
                await bare.wait_readable(self)  # -> other tasks; back when a connection waits

    async def connect(self, address):
        if self.connect_started(address):
            await bare.wait_writable(self)  # -> other tasks; back when the handshake is done
            self.connect_finished()

    async def recv(self, most):
        while True:
            try:
                return super().recv(most)
            except BlockingIOError:
                await bare.wait_readable(self)  # -> other tasks; back when bytes (or EOF) arrive

    async def sendall(self, data):
        view = memoryview(data)
        while view:
            try:
                view = view[self.send(view):]
            except BlockingIOError:
                await bare.wait_writable(self)  # -> other tasks; back when the send buffer has room


async def receive_exactly(sock, size):
    """Exactly `size` bytes from `sock`; ConnectionError if the peer hangs up first."""
    data = bytearray()
    while len(data) < size:
        chunk = await sock.recv(size - len(data))  # -> other tasks; back with bytes, or b"" at EOF
        if not chunk:
            raise ConnectionError(f"the peer hung up after {len(data)} of {size} bytes")
        data += chunk
    return data
