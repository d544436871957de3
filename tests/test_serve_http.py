"""`fiberlab serve http`: every model's HTTP server, alone, answers from outside, survives bad
clients and stops on SIGINT and SIGTERM within 2 s."""

import contextlib
import http.client
import signal
import socket
import subprocess
import sys
import time

import pytest

from fiberlab.models import MODELS
from scenarios import http as scenario
from tests.conftest import REPO

MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("http")]


@contextlib.contextmanager
def started(model):
    """(model, process, port) of a running `fiberlab serve http --model MODEL --port 0`, killed after."""
    process = subprocess.Popen([sys.executable, "-m", "fiberlab", "serve", "http", "--model", model,
                                "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        host, port = process.stdout.readline().strip().split(":")
        assert host == "127.0.0.1"
        yield model, process, int(port)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture(params=MODEL_IDS)
def server(request):
    """A server of its own for a test that stops it."""
    with started(request.param) as running:
        yield running


@pytest.fixture(scope="module", params=MODEL_IDS)
def serving(request):
    """One server per model for the bad clients, one after another: each test ends by checking that
    the server still answers, so a bad client that broke it fails its own test, not a later one's."""
    with started(request.param) as running:
        yield running


def get(port, method="GET", target="/item/30", body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, target, body=body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def first_line(sock, request):
    """The status line the server answers `request` with, or b"" if it closes (or resets) first:
    a server may hang up on an oversized head before the client has sent all of it."""
    sock.settimeout(10)
    data = b""
    try:
        sock.sendall(request)
        while b"\r\n" not in data and (chunk := sock.recv(4096)):
            data += chunk
    except ConnectionError:
        return b""
    return data.split(b"\r\n")[0]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_standalone_http_server_answers_and_stops_within_2_s(server, signum):
    model, process, port = server
    assert get(port) == (200, scenario.item(30))
    assert get(port, "POST", "/echo", b"x" * 5000) == (200, b"x" * 5000)
    with socket.create_connection(("127.0.0.1", port)):  # a keep-alive connection still open
        process.send_signal(signum)
        sent = time.monotonic()
        _, stderr = process.communicate(timeout=20)
        assert time.monotonic() - sent < 2, f"{model} took {time.monotonic() - sent:.1f} s to stop"
    assert process.returncode == 0 and "Traceback" not in stderr


@pytest.mark.parametrize("bad", ["garbage", "oversized header", "slow client"])
def test_a_bad_client_gets_a_4xx_or_a_close_and_the_server_answers_the_next(serving, bad):
    _model, process, port = serving
    assert process.poll() is None
    with socket.create_connection(("127.0.0.1", port)) as sock:
        if bad == "garbage":
            assert first_line(sock, b"\x00\x01 not http at all\r\n\r\n")[:12] in (b"", b"HTTP/1.1 400")
        elif bad == "oversized header":
            head = b"GET /item/1 HTTP/1.1\r\nhost: x\r\nx-big: " + b"a" * 100_000 + b"\r\n\r\n"
            assert first_line(sock, head)[:12] in (b"", b"HTTP/1.1 431")
        else:
            sock.sendall(b"GET /item/1 HTTP/1.1\r\nho")  # and nothing more while the others are served
        assert get(port) == (200, scenario.item(30))
