"""`python -m fiberlab serve SCENARIO --model M [--port P]`: one model's server, alone.

Runs the server a scenario's spec names (SERVER: a package with a module per
model file, each with `serve_forever(port, ready, stop)`) on 127.0.0.1, prints its
address as `127.0.0.1:PORT` once it listens, and serves until SIGINT or
SIGTERM (or SIGHUP, SIGQUIT), then exits 0; so an outside load generator can drive any model's
server. No worker process, no measurement: the process is the server.
"""

import contextlib
import importlib
import signal
import socket

import scenarios
from fiberlab import output
from fiberlab.options import EXIT_OK, UsageError, known_models, parse_int
from fiberlab.models import load_function

STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)
HOST_ONLY = "127.0.0.1"  # what the servers bind; said in the help so nobody expects another interface


def add_parser(verbs):
    serve = verbs.add_parser("serve", help=f"run one model's server of a scenario on {HOST_ONLY} until interrupted")
    serve.add_argument("scenario", help="a scenario with a server (connections, http)")
    serve.add_argument("--model", required=True, help="model id, e.g. greenlet, gevent, asyncio")
    serve.add_argument("--port", default="0", help="port to listen on (default 0: the kernel picks a free one)")
    return serve


def find_server(scenario, model_id):
    """The model's serve_forever for `scenario`; refuses a scenario or model that has none."""
    if scenario not in scenarios.names():
        raise UsageError(f"unknown scenario {scenario!r} (known: {', '.join(scenarios.names())})")
    spec = scenarios.load(scenario)
    servers = spec.SERVER
    if servers is None:
        with_server = [name for name in scenarios.names() if scenarios.load(name).SERVER is not None]
        raise UsageError(f"scenario {scenario!r} has no server (these do: {', '.join(with_server) or 'none'})")
    models = known_models()
    if model_id not in models:
        raise UsageError(f"unknown model {model_id!r} (known: {', '.join(models)})")
    model = models[model_id]
    try:
        # a test model names its own module (a dotted path), which holds its serve_forever
        module = importlib.import_module(model.file if "." in model.file else f"{servers}.{model.file}")
    except ImportError:
        module = None
    serve_forever = getattr(module, "serve_forever", None)
    if serve_forever is None:
        raise UsageError(f"model {model_id!r} has no server for {scenario!r}")
    return model, serve_forever


def main(args):
    model, serve_forever = find_server(args.scenario, args.model)
    port = parse_int(args.port, "--port", 0, 65_535)
    if model.setup:
        load_function(model.setup)()  # e.g. the event loop this model runs on
    listening = []

    def ready(address):
        listening.append(address)
        output.emit(f"{address[0]}:{address[1]}")  # a closed or full stdout must not stop the server

    with stop_on_signals() as stop:
        try:
            serve_forever(port, ready, stop)
        except OSError as exc:
            if listening:
                raise
            raise UsageError(f"cannot listen on {HOST_ONLY}:{port}: {exc.strerror or exc}") from None
    output.say(f"fiberlab: {args.scenario} server ({args.model}) stopped")
    return EXIT_OK


@contextlib.contextmanager
def stop_on_signals():
    """A socket that turns readable on SIGINT or SIGTERM, for the server to wait on
    in its own model. Raising KeyboardInterrupt instead would land in whichever
    handler happens to run, mid-echo; the wakeup fd lets each model stop itself."""
    stop, wakeup = socket.socketpair()
    stop.setblocking(False)
    wakeup.setblocking(False)
    def wake(_signum, _frame):
        # uvloop installs a wakeup fd of its own while it runs, so ours alone never
        # fires there; this handler runs on every loop (uvloop calls it from its own).
        try:
            wakeup.send(b"\0")
        except OSError:
            pass  # the buffer is full: the server has a byte to wake on already

    handlers = {signum: signal.signal(signum, wake) for signum in STOP_SIGNALS}
    previous_fd = signal.set_wakeup_fd(wakeup.fileno())
    try:
        yield stop
    finally:
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        stop.close()
        wakeup.close()
