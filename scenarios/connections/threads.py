"""connections on OS threads: blocking sockets, a thread per server handler and per client.

The sockets: os_threads/io.py. Around them (waves, probe, joins): rendezvous.py.
"""

import os_threads
from os_threads.io import Event, Socket, receive_exactly
from scenarios import connections as spec

MECHANISM = "blocking syscall"  # how control moves (the table's mechanism column)


def handle(conn, rendezvous):
    chunk, params = rendezvous.chunk, rendezvous.params
    with conn:  # the server hangs up first: see echo_bytes() in the spec
        hello = receive_exactly(conn, spec.HELLO_BYTES)  # -> kernel; back with its hello
        connection = spec.connection_id(hello)
        rendezvous.arrive()
        left = spec.echo_bytes(params, connection)
        while left:
            data = conn.recv(min(chunk, left))  # -> kernel; back with bytes, b"" at EOF
            if not data:
                raise ConnectionError("a client hung up in the middle of its messages")
            conn.sendall(data)  # -> kernel while the send buffer is full
            left -= len(data)
        if spec.dropped(params, connection):
            conn.recv(1)  # -> kernel; back midway through the client's next message
            spec.reset_on_close(conn)  # leaving `with` sends RST: the client loses the rest


def serve(listener, params, rendezvous, handle=handle):  # http's files: their own handle()
    handlers = rendezvous.handlers
    with listener:
        while len(handlers) < params["connections"]:
            conn, _ = listener.accept()  # -> kernel; back with the next connection
            spec.no_delay(conn)
            name = f"handler-{len(handlers)}"
            handlers.append(os_threads.create(handle, conn, rendezvous, name=name))
            handlers[-1].start()  # listed before it runs: the probe must see every handler counted
    for handler in handlers:
        os_threads.join(handler)  # -> kernel; back when this one has ended


def client(connection, params, rendezvous):
    transcript = rendezvous.transcript(connection)  # its connect clock starts
    with Socket() as sock:
        spec.no_delay(sock)
        sock.connect(rendezvous.address)  # -> kernel; back when the handshake is done
        transcript.connected()
        sock.sendall(spec.hello(connection))  # -> kernel while the send buffer is full
        rendezvous.arrive()
        os_threads.block(rendezvous.opened.wait)  # -> kernel; back when the probe has looked
        try:
            for index in range(params["messages"]):
                if params["delay_ms"]:
                    os_threads.sleep(params["delay_ms"] / 1000)  # -> kernel for delay_ms
                sent = transcript.send(index, params["size"])  # its round trip's clock starts
                sock.sendall(sent)  # -> kernel while the send buffer is full
                echo = receive_exactly(sock, len(sent))  # -> kernel; back with its echo
                transcript.received(index, sent, echo)
            end = sock.recv(1)  # -> kernel; back at EOF, when the server has hung up
            transcript.check_end(end)
        except ConnectionError:
            transcript.lose()  # the server dropped this connection (see dropped() in the spec)
    return transcript.as_dict()


def main(params, probe):
    rendezvous = spec.ThreadRendezvous(params, probe, os_threads.RUNTIME, Event, Socket)
    return rendezvous.play(serve, client)  # -> kernel


threads_needed = spec.threads_needed  # os_threads.refusal asks the model file


def run(params, probe):
    spec.require_fds(params)
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(main, params, probe)
