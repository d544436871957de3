"""fiber_io.py for the bare coroutine scheduler: the same layer, with `async def` and `await`.

Read beside fiber_io.py; only the suspensions differ. Socket is a
non-blocking socket.socket whose blocking calls are coroutines: they try the
system call and, when it would block, await bare.wait_readable /
wait_writable (one trap; the socket stays registered from its first wait
until close(), see runtime/wakeups.py) until our loop's selector reports it ready;
then try again. Event is a flag and parked tasks.
"""

import errno
import os
import socket

from coroutines import bare


class Socket(socket.socket):
    __slots__ = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setblocking(False)

    def close(self):
        bare.forget(self)  # the scheduler keeps a socket registered across waits, until now
        super().close()

    async def accept(self):
        while True:
            try:
                fd, address = self._accept()
                return Socket(self.family, self.type, self.proto, fileno=fd), address
            except BlockingIOError:
                await bare.wait_readable(self)  # -> other tasks; back when a connection waits

    async def connect(self, address):
        error = self.connect_ex(address)
        if error == errno.EINPROGRESS:
            await bare.wait_writable(self)  # -> other tasks; back when the handshake is done
            error = self.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))

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


class Event:
    __slots__ = ("flag", "parked")

    def __init__(self):
        self.flag = False
        self.parked = []  # tasks in wait()

    def set(self):
        self.flag = True
        for task in self.parked:
            bare.ready(task)
        self.parked.clear()

    def clear(self):
        self.flag = False

    async def wait(self):
        if not self.flag:
            self.parked.append(bare.current())
            await bare.park()  # -> other tasks; back when set() is called
