"""h11's server side, as every http model file uses it: bytes in, bytes out, no I/O.

h11 is sans-IO: it parses the bytes it is given and serialises the events it
is handed, and never touches a socket. So a model file reads bytes in its own
way, hands them to a Server or a Client here, and writes back what it gets;
the parsing and the serialising are the same code on every model.
"""

import h11

from scenarios import http as spec

HEADER_MOST = 16_384  # a request head larger than this gets 431: h11's default, whole or not


def head_bytes(request):
    """About the bytes of a request's head: its target and every header's name and value."""
    return len(request.target) + sum(len(name) + len(value) for name, value in request.headers)


class Server:
    """h11's server side of one connection. answer(data) takes what the client sent
    (b"" at EOF) and returns the bytes to send back: a response to every request now
    complete, a 4xx to garbage. `open` turns False once the connection is over."""

    def __init__(self):
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=HEADER_MOST)
        self.open = True
        self.request, self.body = None, []

    def answer(self, data):
        self.h11.receive_data(data)
        out = []
        while self.open:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as error:  # garbage, an oversized head, EOF midway
                out.append(self.refuse(error.error_status_hint))
                break
            if event is h11.NEED_DATA or event is h11.PAUSED:
                break
            if isinstance(event, h11.Request) and head_bytes(event) > HEADER_MOST:
                out.append(self.refuse(431))  # h11 bounds only a head still incomplete
                break
            if isinstance(event, h11.Request):
                self.request, self.body = event, []
            elif isinstance(event, h11.Data):
                self.body.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                request = self.request.method.decode(), self.request.target.decode()
                out.append(self.send(*spec.respond(*request, b"".join(self.body))))
            elif isinstance(event, h11.ConnectionClosed):
                self.open = False
        return b"".join(out)

    def send(self, status, body, close=False):
        headers = [("content-type", "application/octet-stream"),
                   ("content-length", str(len(body)))]
        headers += [("connection", "close")] if close else []
        out = self.h11.send(h11.Response(status_code=status, headers=headers))
        out += self.h11.send(h11.Data(data=body)) if body else b""
        out += self.h11.send(h11.EndOfMessage())
        if self.h11.our_state is h11.MUST_CLOSE:
            self.open = False
        else:
            self.h11.start_next_cycle()
        return out

    def refuse(self, status):
        """The error's 4xx with `connection: close` where h11 still lets us answer; then the end."""
        try:
            out = self.send(status, b"bad request\n", close=True)
        except h11.LocalProtocolError:  # a response was already under way: only closing is left
            out = b""
        self.open = False
        return out
