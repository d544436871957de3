"""http on OS threads: blocking sockets, a thread per server handler and per client.

The sockets: os_threads/io.py. The parser: h11 (server_side.py, client_side.py). The
accept loop: connections' (threads.py). Around them (waves, probe, joins): rendezvous.py.
"""

import os_threads
from os_threads.io import Event, Socket
from scenarios import http as spec
from scenarios.connections import threads as connections

MECHANISM = "blocking syscall"  # how control moves (the table's mechanism column)


def handle(conn, rendezvous):
    with conn:  # the server hangs up first: the last request says `connection: close`
        server = spec.Server()
        rendezvous.arrive()
        while server.open:
            data = conn.recv(spec.READ_MAX)  # -> kernel; back with bytes, b"" at EOF
            answer = server.answer(data)
            conn.sendall(answer)  # -> kernel while the send buffer is full


def serve(listener, params, rendezvous):  # connections' accept loop, serving handle()
    connections.serve(listener, params, rendezvous, handle)  # -> handlers, till all end


def client(connection, params, rendezvous):
    talk = rendezvous.client(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> kernel; back when the handshake is done
        talk.connected()
        rendezvous.arrive()
        os_threads.block(rendezvous.opened.wait)  # -> kernel; back when the probe has looked
        for request in talk.requests():  # each request's clock starts as it is made
            sock.sendall(request)  # -> kernel while the send buffer is full
            while talk.waiting():
                data = sock.recv(spec.READ_MAX)  # -> kernel; back with bytes, b"" at EOF
                talk.receive(data)
    return talk.as_dict()


def main(params, probe):
    rendezvous = spec.ThreadRendezvous(params, probe, os_threads.RUNTIME, Event, Socket)
    return rendezvous.play(serve, client)  # -> kernel


threads_needed = spec.threads_needed  # os_threads.refusal asks the model file


def run(params, probe):
    spec.require_fds(params)
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(main, params, probe)
