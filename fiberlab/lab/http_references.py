"""The reference servers the http outside-load sweep sets beside the lab's: what users run.

The same application everywhere, the http scenario's respond() (GET /item/<k>, POST /echo):
as ASGI for uvicorn (`uvicorn fiberlab.lab.http_references:asgi --http h11`, the lab's
parser, on --loop asyncio or uvloop), as WSGI for gevent.pywsgi (gevent's own server and
parser), and as a BaseHTTPRequestHandler for the standard library's ThreadingHTTPServer
(a thread per connection, http.server's parser). TCP_NODELAY on every connection, as the
lab's servers set it: with Nagle on, a head and a body written apart wait 40 ms for a
delayed ACK, which would time the kernel, not the server. Run one alone with
`python -m fiberlab.lab.http_references pywsgi|threading PORT`: it prints nothing, binds
127.0.0.1 only and stops on SIGINT or SIGTERM.
"""

import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from scenarios.http import HOST, respond

REASONS = {200: "OK", 404: "Not Found"}


async def asgi(scope, receive, send):
    """The application as ASGI (uvicorn)."""
    if scope["type"] != "http":
        return  # lifespan: nothing to set up
    body, more = b"", True
    while more:
        message = await receive()  # -> uvicorn's loop; back with the next piece of the body
        body, more = body + message.get("body", b""), message.get("more_body", False)
    status, answer = respond(scope["method"], scope["path"], body)
    headers = [(b"content-type", b"application/octet-stream"), (b"content-length", b"%d" % len(answer))]
    await send({"type": "http.response.start", "status": status, "headers": headers})  # -> loop
    await send({"type": "http.response.body", "body": answer})  # -> loop


def wsgi(environ, start_response):
    """The application as WSGI (gevent.pywsgi)."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    status, answer = respond(environ["REQUEST_METHOD"], environ["PATH_INFO"], body)
    start_response(f"{status} {REASONS[status]}", [("Content-Type", "application/octet-stream"),
                                                   ("Content-Length", str(len(answer)))])
    return [answer]


class Handler(BaseHTTPRequestHandler):
    """The application for ThreadingHTTPServer, keep-alive (HTTP/1.1) as the others."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # TCP_NODELAY, as the lab's servers: no 40 ms delayed-ACK stall

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        status, answer = respond(self.command, self.path, self.rfile.read(length) if length else b"")
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = answer

    def log_message(self, *_args):
        pass  # one line per request would time the terminal, not the server


def serve_pywsgi(port):
    import gevent
    from gevent import pywsgi

    class Handler(pywsgi.WSGIHandler):
        def handle(self):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as the lab's servers
            super().handle()

    server = pywsgi.WSGIServer((HOST, port), wsgi, log=None, handler_class=Handler)
    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, server.stop, 0)  # in the hub: serve_forever returns
    server.serve_forever()


def serve_threading(port):
    server = ThreadingHTTPServer((HOST, port), Handler)
    server.daemon_threads = True  # connections left open end with the process
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: sys.exit(0))
    server.serve_forever()


if __name__ == "__main__":
    {"pywsgi": serve_pywsgi, "threading": serve_threading}[sys.argv[1]](int(sys.argv[2]))
