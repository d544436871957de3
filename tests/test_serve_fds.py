"""`harness serve` out of file descriptors: it backs off, says so once, and serves again."""

import resource
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import REPO

MODELS = ("greenlet", "gevent", "asyncio", "coroutines", "uvloop", "threads")
FD_LIMIT = 64
CLIENTS = 100


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


@pytest.mark.parametrize("model", MODELS)
def test_a_server_out_of_fds_backs_off_says_so_once_and_serves_a_fresh_client_after(model):
    server = subprocess.Popen([sys.executable, "-m", "harness", "serve", "connections", "--model", model],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              preexec_fn=low_fd_limit)
    clients = []
    try:
        host, port = server.stdout.readline().strip().split(":")
        address = (host, int(port))
        for _ in range(CLIENTS):  # more than the server can hold: the kernel queues the rest
            clients.append(socket.create_connection(address, timeout=10))
        time.sleep(1.0)  # the server runs out of fds meanwhile, and must keep going
        assert server.poll() is None, "the server died when it ran out of fds"
        for client in clients:
            client.close()
        clients.clear()
        assert echo_once(address, b"fresh client") == b"fresh client"
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=20)
    finally:
        for client in clients:
            client.close()
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    shortage = [line for line in stderr.splitlines() if "file descriptors" in line]
    assert len(shortage) == 1, stderr  # one line for the one episode, not one per failed accept
