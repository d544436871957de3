"""`fiberlab serve` out of file descriptors: it backs off, says so once, and serves again."""

import os
import resource
import select
import signal
import socket
import subprocess
import sys
import time

import pytest

from fiberlab.models import MODELS
from tests.conftest import REPO

# Every model with a connections file (the native ones have none), as test_serve.py.
MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("connections")]
FD_LIMIT = 64
CLIENTS = 100
OUT_OF_FDS_S = 0.25  # how long the server must keep going once out of fds: several of its accept back-offs


def low_fd_limit():
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, hard))


def echo_once(address, payload, timeout=10):
    with socket.create_connection(address, timeout=timeout) as client:
        client.sendall(payload)
        data = b""
        while len(data) < len(payload):
            chunk = client.recv(len(payload) - len(data))
            assert chunk, "the server hung up"
            data += chunk
        return data


def said_out_of_fds(server, seconds=10):
    """stderr up to the server's line about file descriptors (it comes once the accepts fail),
    read as it comes, instead of sleeping a fixed time and hoping it came. Raw reads of the fd,
    so nothing waits in a buffer that communicate() would not see."""
    said, deadline = b"", time.monotonic() + seconds
    while b"file descriptors" not in said or not said.endswith(b"\n"):
        ready, _, _ = select.select([server.stderr], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(server.stderr.fileno(), 4096) if ready else b""
        assert chunk, f"no word of running out of fds within {seconds} s: {said!r}"
        said += chunk
    return said.decode()


def available(stream):
    """What `stream` holds now, without waiting for more."""
    got = b""
    while select.select([stream], [], [], 0)[0]:
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            break
        got += chunk
    return got.decode()


@pytest.mark.parametrize("model", MODEL_IDS)
def test_a_server_out_of_fds_backs_off_says_so_once_and_serves_a_fresh_client_after(model):
    server = subprocess.Popen([sys.executable, "-m", "fiberlab", "serve", "connections", "--model", model],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=low_fd_limit)
    clients = []
    try:
        host, port = server.stdout.readline().strip().split(":")
        address = (host, int(port))
        for _ in range(CLIENTS):  # more than the server can hold: the kernel queues the rest
            clients.append(socket.create_connection(address, timeout=10))
        said = said_out_of_fds(server)  # the server has run out of fds meanwhile, and said so
        time.sleep(OUT_OF_FDS_S)  # ...and must keep going, its accepts failing every ACCEPT_RETRY_S
        assert server.poll() is None, "the server died when it ran out of fds"
        said += available(server.stderr)
        shortage = [line for line in said.splitlines() if "file descriptors" in line]
        assert len(shortage) == 1, said  # one line for the one episode, not one per failed accept
        for client in clients:
            client.close()
        clients.clear()
        assert echo_once(address, b"fresh client") == b"fresh client"
        server.send_signal(signal.SIGTERM)
        _, rest = server.communicate(timeout=20)
        stderr = said + rest
    finally:
        for client in clients:
            client.close()
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    # Once the clients close, the queued connections flood in, each holding an fd until its handler
    # sees EOF: the server may run short again for a moment, a second episode and a second line.
    assert [line for line in stderr.splitlines() if "file descriptors" in line], stderr
