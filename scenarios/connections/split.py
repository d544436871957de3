"""Split mode: the clients run in a child process, on the same model as the server.

One process can hold at most ~9,900 connection pairs under the open-file
limit (20,000, hard), so with split=true the server stays in the worker and
the clients run in `python -m scenarios.connections.split MODULE PORT GC PARAMS`:
the model file's own run() (of connections or http), with the parent's port in params[SERVER_PORT]
(see sides.py), on the parent's runtime, set up the same way (uvloop's loop
for uvloop: runtime/process.py), the garbage collector on or off as in the
parent. The barrier then spans two processes:

  child:  connect every client, then let its "probe", Go, look: a blocking
          read of stdin for the go, harmless since every client is parked
          at the barrier anyway
  parent: wait until every handler has started (so every connection is
          open), let the probe look, then go(): write "go" to the child
  child:  traffic, close every socket, print one JSON line (finish() reads it)
"""

import gc
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from runtime import lifeline, process

ROOT = Path(__file__).resolve().parents[2]  # the project, for the child's imports
SERVER_PORT = "server_port"  # the params key that makes a run split mode's child


def start(module_name, port, params):
    """Start the clients of `module_name` against `port`; they connect at once.
    The child dies with this process (runtime/lifeline.py)."""
    env = lifeline.child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    gc_mode = "on" if gc.isenabled() else "off"
    command = [sys.executable, "-m", __name__, module_name, str(port), gc_mode, json.dumps(params)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)


def go(child):
    child.stdin.write(b"go\n")
    child.stdin.flush()


def finish(child):
    """The child's transcripts, samples summary and side (what ran it), once it has ended."""
    out, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the client process failed (exit status {child.returncode})")
    report = json.loads(out)
    return report["transcripts"], report["samples"], report["side"]


class Go:
    """The child's stand-in for the probe: at the barrier, where a probe would
    look, it waits for the parent's go (the parent's probe looks meanwhile)."""

    def snapshot(self, _tasks):
        if sys.stdin.readline() != "go\n":
            raise SystemExit("the server process went away before the barrier opened")

    def record(self, _name, _value):
        pass  # what a runtime records at the barrier: the parent's probe records its own


def main(module_name, port, gc_mode, params_json):
    process.inherit(gc_enabled=gc_mode == "on")  # before the model file is imported, as the worker
    model = importlib.import_module(module_name)
    params = dict(json.loads(params_json), **{SERVER_PORT: int(port)})
    report = json.dumps(model.run(params, Go()))  # {"transcripts", "samples", "side"}: Sides.result
    process.write_all(1, report.encode() + b"\n")  # whole, though libuv left fd 1 non-blocking


if __name__ == "__main__":
    lifeline.die_with_parent()  # the worker's clients: they go if the worker is SIGKILLed
    main(*sys.argv[1:])
