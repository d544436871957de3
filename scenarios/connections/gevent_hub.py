"""connections on the gevent hub: gevent.socket, no monkey-patching, no gevent.server (fibers/gevent_io.py)."""

import gevent

from fibers import gevent_glue
from fibers.gevent_io import Event, Socket, receive_exactly
from scenarios import connections as spec

MECHANISM = "libev watcher via hub"  # how this file hands control over (the table's mechanism column)


def handle(conn, chunk, params, rendezvous):
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        connection = spec.connection_id(receive_exactly(conn, spec.HELLO_BYTES))  # -> hub; back with the client's hello
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = conn.recv(min(chunk, left))  # -> hub; back with bytes, or b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            conn.sendall(data)  # -> hub while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            conn.recv(1)  # -> hub; back when the client is in the middle of its next message
            spec.reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest (see dropped())


def serve(listener, params, rendezvous, handlers):
    chunk = params["server_chunk"] or spec.READ_MAX
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = listener.accept()  # -> hub; back with the next connection
            spec.no_delay(conn)
            handlers.append(gevent_glue.spawn(handle, conn, chunk, params, rendezvous, name=f"handler-{len(handlers)}"))
    gevent.joinall(handlers)  # -> hub, handlers; back when every one has ended


def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> hub; back when the handshake is done
        transcript.connected()
        sock.sendall(spec.hello(connection))  # -> hub while the send buffer is full
        rendezvous.arrive()
        rendezvous.opened.wait()  # -> hub; back when all are open and the probe has looked
        try:
            for index in range(params["messages"]):
                if params["delay_ms"]:
                    gevent.sleep(params["delay_ms"] / 1000)  # -> hub; back after delay_ms: a slow client
                sent = transcript.send(index, params["size"])  # its round trip's clock starts
                sock.sendall(sent)  # -> hub while the send buffer is full
                transcript.received(index, sent, receive_exactly(sock, len(sent)))  # -> hub; back with the whole echo
            transcript.check_end(sock.recv(1))  # -> hub; back at EOF, when the server has hung up
        except ConnectionError:
            transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    return transcript.as_dict()


def main(params, probe):
    rendezvous, handlers, clients = spec.Rendezvous(params, Event, __name__, Socket), [], []
    servers = [gevent_glue.spawn(serve, each, params, rendezvous, handlers, name="server") for each in rendezvous.listeners]  # none in split mode's child
    for wave, end in rendezvous.waves():  # the ids this process connects (none in split mode's parent: its child does)
        clients += [gevent_glue.spawn(client, each, params, rendezvous, name=f"client-{each}") for each in wave]
        rendezvous.wait_for(end)  # -> hub, clients, server; back when this wave is in
    gevent_glue.snapshot(probe, handlers)  # -> hub, probe greenlet; back when it has looked (in split mode's child: at the parent's go, see split.Go)
    rendezvous.open()
    transcripts = [each.get() for each in clients]  # -> hub, clients; back as each ends
    for server in servers:
        server.get()  # -> hub, handlers; back when every connection has closed
    return rendezvous.result(transcripts, probe)


def run(params, probe):
    spec.require_fds(params)
    return gevent_glue.run(main, params, probe)
