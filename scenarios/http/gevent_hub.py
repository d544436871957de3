"""http on the gevent hub: gevent.socket, no monkey-patching, no gevent.server.

The sockets: fibers/gevent_io.py. The parser: h11 (server_side.py, client_side.py). The
accept loop: connections' (gevent_hub.py). Around them (waves, probe, joins): rendezvous.py.
"""

from fibers import gevent_glue
from fibers.gevent_io import Event, Socket
from scenarios import http as spec
from scenarios.connections import gevent_hub as connections

MECHANISM = "libev watcher via hub"  # how control moves (the table's mechanism column)


def handle(conn, rendezvous):
    with conn:  # the server hangs up first: the last request says `connection: close`
        server = spec.Server()
        rendezvous.arrive()
        while server.open:
            data = conn.recv(spec.READ_MAX)  # -> hub; back with bytes, b"" at EOF
            answer = server.answer(data)
            conn.sendall(answer)  # -> hub while the send buffer is full


def serve(listener, params, rendezvous):  # connections' accept loop, serving handle()
    connections.serve(listener, params, rendezvous, handle)  # -> handlers, till all end


def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> hub; back when the handshake is done
        talk.connected()
        rendezvous.arrive()
        rendezvous.opened.wait()  # -> hub; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            sock.sendall(request)  # -> hub while the send buffer is full
            while talk.waiting():
                data = sock.recv(spec.READ_MAX)  # -> hub; back with bytes, b"" at EOF
                talk.receive(data)
    return talk.as_dict()


def main(params, probe):
    rendezvous = spec.Rendezvous(params, probe, gevent_glue.RUNTIME, Event, Socket)
    return rendezvous.play(serve, client)  # -> hub, clients, server, probe


def run(params, probe):
    spec.require_fds(params)
    return gevent_glue.run(main, params, probe)
