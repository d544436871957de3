"""Socket helpers written once for every blocking-style socket: ours (fibers/io.py),
gevent's (fibers/gevent_io.py) and the threads' (os_threads/io.py).

A blocking-style socket's recv() returns bytes, or b"" at EOF, once it has
them; where the caller waits meanwhile is the socket's business (another
fiber, the hub, the kernel). The bare coroutine scheduler's sockets are
awaited, so coroutines/bare_io.py has its own receive_exactly().
"""


def receive_exactly(sock, size):
    """Exactly `size` bytes from `sock`; ConnectionError if the peer hangs up first."""
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(size - len(data))  # -> whatever sock.recv hands control to; back with bytes, or b"" at EOF
        if not chunk:
            raise ConnectionError(f"the peer hung up after {len(data)} of {size} bytes")
        data += chunk
    return data
