"""h11's client side, as every http model file uses it: requests out, responses in, no I/O.

A client makes its requests here (requests()), feeds what it reads to receive()
until waiting() turns False, and the Client checks each response into the
connection's transcript and times it (the samples of connections/samples.py).
"""

from time import perf_counter

import h11

from scenarios import http as spec


class Client:
    """One connection's client side: see the module's docstring."""

    def __init__(self, connection, requests, samples):
        self.h11 = h11.Connection(h11.CLIENT)
        self.transcript = spec.Transcript(connection)
        self.connection, self.count, self.samples = connection, requests, samples
        self.index, self.expecting = None, False  # the request in flight; its answer is to come
        self.response, self.body = None, []
        self.started = perf_counter()  # the connect clock; then each request's

    def connected(self):
        self.samples.connected(self.connection, perf_counter() - self.started)

    def requests(self):
        """Each request's bytes, its clock started; the last says `connection: close`."""
        for index in range(self.count):
            method, target, body = spec.request_of(self.connection, index)
            headers = [("host", spec.HOST), ("content-length", str(len(body)))]
            headers += [("connection", "close")] if index == self.count - 1 else []
            data = self.h11.send(h11.Request(method=method, target=target, headers=headers))
            data += self.h11.send(h11.Data(data=body)) if body else b""
            data += self.h11.send(h11.EndOfMessage())
            self.index, self.expecting, self.started = index, True, perf_counter()
            yield data

    def waiting(self):
        """Whether the answer to the request in flight (after the last: the server's
        hang-up) is still to come."""
        return self.expecting

    def receive(self, data):
        """Bytes the server sent (b"" at EOF). A response that breaks HTTP/1.1 raises h11's
        RemoteProtocolError: the run fails, as a mis-framed response should make it."""
        self.h11.receive_data(data)
        while (event := self.h11.next_event()) is not h11.NEED_DATA:
            if isinstance(event, h11.Response):
                self.response, self.body = event, []
            elif isinstance(event, h11.Data):
                self.body.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self.samples.round_trip(self.connection, self.index, perf_counter() - self.started)
                length = dict(self.response.headers).get(b"content-length", b"-")
                self.transcript.add(self.response.status_code, length, b"".join(self.body))
                if self.h11.our_state is not h11.MUST_CLOSE:  # after the last: wait for EOF
                    self.h11.start_next_cycle()
                    self.expecting = False
                    return
            elif isinstance(event, h11.ConnectionClosed):
                self.expecting = False
                return

    def as_dict(self):
        return self.transcript.as_dict()
