"""http on greenlet fibers: non-blocking sockets parked on our scheduler's selector.

The sockets: fibers/io.py. The parser: h11 (server_side.py, client_side.py). The
accept loop: connections' (greenlet_fibers.py). Around them (waves, probe, joins): rendezvous.py.
"""

import fibers
from fibers.io import Event, Socket
from scenarios import http as spec
from scenarios.connections import greenlet_fibers as connections

MECHANISM = "selector via own loop"  # how control moves (the table's mechanism column)


def handle(conn, rendezvous):
    with conn:  # the server hangs up first: the last request says `connection: close`
        server = spec.Server()
        rendezvous.arrive()
        while server.open:
            data = conn.recv(spec.READ_MAX)  # -> other fibers; back with bytes, b"" at EOF
            answer = server.answer(data)
            conn.sendall(answer)  # -> other fibers while the send buffer is full


def serve(listener, params, rendezvous):  # connections' accept loop, serving handle()
    connections.serve(listener, params, rendezvous, handle)  # -> handlers, till all end


def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> other fibers; back when the handshake is done
        talk.connected()
        rendezvous.arrive()
        rendezvous.opened.wait()  # -> other fibers; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            sock.sendall(request)  # -> other fibers while the send buffer is full
            while talk.waiting():
                data = sock.recv(spec.READ_MAX)  # -> other fibers; back with bytes, b"" at EOF
                talk.receive(data)
    return talk.as_dict()


def main(params, probe):
    rendezvous = spec.Rendezvous(params, probe, fibers.RUNTIME, Event, Socket)
    return rendezvous.play(serve, client)  # -> clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return fibers.run(main, params, probe)
