"""Test-only model (see tests/fake_models.py): the http greenlet file, each response body one
byte short but framed to match (its content-length says so), so only the digest can tell."""

from scenarios.http import greenlet_fibers
from scenarios.http.server_side import Server

sent_in_full = Server.send


def send_one_byte_short(self, status, body, close=False):
    return sent_in_full(self, status, body[:-1], close)


def run(params, probe):
    Server.send = send_one_byte_short  # this worker process only: the reference is the parent's
    return greenlet_fibers.run(params, probe)
