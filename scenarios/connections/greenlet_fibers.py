"""connections on greenlet fibers: non-blocking sockets parked on our scheduler's selector.

The sockets: fibers/io.py. Around them (waves, probe, joins): rendezvous.py.
"""

import fibers
from fibers.io import Event, Socket, receive_exactly
from scenarios import connections as spec

MECHANISM = "selector via own loop"  # how control moves (the table's mechanism column)


def handle(conn, rendezvous):
    chunk, params = rendezvous.chunk, rendezvous.params
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        hello = receive_exactly(conn, spec.HELLO_BYTES)  # -> other fibers; back with its hello
        connection = spec.connection_id(hello)
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = conn.recv(min(chunk, left))  # -> other fibers; back with bytes, b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            conn.sendall(data)  # -> other fibers while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            conn.recv(1)  # -> other fibers; back midway through the client's next message
            spec.reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest


def serve(listener, params, rendezvous, handle=handle):  # http's files: their own handle()
    handlers = rendezvous.handlers
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = listener.accept()  # -> other fibers; back with the next connection
            spec.no_delay(conn)
            name = f"handler-{len(handlers)}"
            handlers.append(fibers.spawn(handle, conn, rendezvous, name=name))
    for handler in handlers:
        fibers.join(handler)  # -> handlers; back when this one has ended


def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> other fibers; back when the handshake is done
        transcript.connected()
        sock.sendall(spec.hello(connection))  # -> other fibers while the send buffer is full
        rendezvous.arrive()
        rendezvous.opened.wait()  # -> other fibers; back when the probe has looked
        try:
            for index in range(params["messages"]):
                if params["delay_ms"]:
                    fibers.sleep(params["delay_ms"] / 1000)  # -> other fibers for delay_ms
                sent = transcript.send(index, params["size"])  # its round trip's clock starts
                sock.sendall(sent)  # -> other fibers while the send buffer is full
                echo = receive_exactly(sock, len(sent))  # -> other fibers; back with its echo
                transcript.received(index, sent, echo)
            end = sock.recv(1)  # -> other fibers; back at EOF, when the server has hung up
            transcript.check_end(end)
        except ConnectionError:
            transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    return transcript.as_dict()


def main(params, probe):
    rendezvous = spec.Rendezvous(params, probe, fibers.RUNTIME, Event, Socket)
    return rendezvous.play(serve, client)  # -> clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return fibers.run(main, params, probe)
