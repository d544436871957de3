"""Split mode: the clients run in a child process, on the same model as the server.

One process can hold at most ~9,900 connection pairs under the open-file
limit (20,000, hard), so with split=true the server stays in the worker and
the clients run in `python -m scenarios.connections.split MODULE PORT PARAMS`.
The barrier then spans two processes:

  child:  connect every client, then wait_for_go() — a blocking read of
          stdin, harmless since every client is parked at the barrier anyway
  parent: wait until every handler has started (so every connection is
          open), let the probe look, then go(): write "go" to the child
  child:  traffic, close every socket, print one JSON line (finish() reads it)
"""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the project, for the child's imports


def start(module_name, port, params):
    """Start the clients of `module_name` against `port`; they connect at once."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", __name__, module_name, str(port), json.dumps(params)]
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)


def go(child):
    child.stdin.write("go\n")
    child.stdin.flush()


def finish(child):
    """The child's transcripts and samples summary, once it has ended."""
    out, _ = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the client process failed (exit status {child.returncode})")
    report = json.loads(out)
    return report["transcripts"], report["samples"]


def wait_for_go():
    if sys.stdin.readline() != "go\n":
        raise SystemExit("the server process went away before the barrier opened")


def main(module_name, port, params_json):
    model = importlib.import_module(module_name)
    transcripts, summary = model.clients_only(int(port), json.loads(params_json))
    print(json.dumps({"transcripts": transcripts, "samples": summary}))


if __name__ == "__main__":
    from harness.stopping import die_with_parent

    die_with_parent()  # the worker's clients: they go if the worker is SIGKILLed
    main(*sys.argv[1:])
