"""`python -m fiberlab serve`: every model's echo server, alone, driven from outside."""

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from fiberlab.models import MODELS
from tests.conftest import REPO

# Every model with a connections file (the native ones have none): each has the server the spec names.
MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("connections")]


def start_server(model):
    return subprocess.Popen([sys.executable, "-m", "fiberlab", "serve", "connections", "--model", model],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def receive(sock, size):
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "the server hung up before echoing everything"
        data += chunk
    return data


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("model", MODEL_IDS)
def test_a_standalone_server_echoes_bytes_and_stops_within_2_s_on_sigterm_and_sigint(model, signum):
    server = start_server(model)
    try:
        host, port = server.stdout.readline().strip().split(":")
        assert host == "127.0.0.1"
        payload = bytes(range(256)) * 300  # more than one recv's worth
        with socket.create_connection((host, int(port)), timeout=10) as first, \
                socket.create_connection((host, int(port)), timeout=10) as second:
            first.sendall(payload)
            second.sendall(b"second")
            assert receive(second, 6) == b"second"
            assert receive(first, len(payload)) == payload
            server.send_signal(signum)  # with both connections still open
            sent = time.monotonic()
            _, stderr = server.communicate(timeout=20)
            assert time.monotonic() - sent < 2, f"{model} took {time.monotonic() - sent:.1f} s to stop"
        assert server.returncode == 0, stderr
        assert "Traceback" not in stderr
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.parametrize("args, message", [
    (["nope", "--model", "gevent"], "unknown scenario 'nope'"),
    (["pingpong", "--model", "gevent"], "scenario 'pingpong' has no server"),
    (["connections", "--model", "fibers"], "unknown model 'fibers'"),
    (["connections", "--model", "gevent", "--port", "65536"], "--port must be between 0 and 65535"),
    (["connections", "--model", "gevent", "--port", "http"], "--port must be an integer"),
])
def test_serve_refuses_bad_input_in_one_line(args, message, harness):
    done = harness("serve", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and message in done.stderr


def test_serve_refuses_a_port_that_is_taken_in_one_line(harness):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = harness("serve", "connections", "--model", "greenlet", "--port", str(taken.getsockname()[1]))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot listen on 127.0.0.1:" in done.stderr


@pytest.mark.parametrize("stdout", ["/dev/full", "closed pipe"])
def test_a_server_whose_stdout_is_full_or_closed_serves_anyway_and_stops_cleanly(stdout):
    read_end, write_end = os.pipe()
    if stdout == "closed pipe":
        os.close(read_end)  # its reader is gone: the address line meets EPIPE
        target = write_end
    else:
        os.close(read_end)
        os.close(write_end)
        target = open(stdout, "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([sys.executable, "-m", "fiberlab", "serve", "connections", "--model", "greenlet",
                               "--port", "0"], cwd=REPO, stdout=target, stderr=subprocess.PIPE, text=True)
    os.close(write_end) if stdout == "closed pipe" else target.close()
    try:
        # It cannot tell its address: wait until it listens (its stop handlers are in place by then).
        deadline = time.monotonic() + 60
        while server.poll() is None and time.monotonic() < deadline and not [
                conn for conn in psutil.Process(server.pid).net_connections("tcp") if conn.status == "LISTEN"]:
            time.sleep(0.05)
        assert server.poll() is None, server.stderr.read()
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=5)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0 and "Traceback" not in stderr
