"""Outside load on HTTP servers: wrk against each lab model's `fiberlab serve http` and the
reference servers users run, at 1, 100 and 1,000 connections.

`python -m fiberlab.lab.http_outside --out results` (make outside-load). Each server is
started alone, on 127.0.0.1, driven by wrk for --duration seconds per connection count on
GET /item/20 (a 306-byte body) once it has answered one request, then stopped with SIGTERM. Every row names its parser and
loop; each lab server is compared with the reference that uses the same parser and loop
(uvicorn --http h11 on --loop asyncio against the lab's asyncio, on --loop uvloop against
uvloop): how far, as a ratio of requests per second (--paragraph FILE prints it again). The rest have no like-for-like
reference (gevent.pywsgi and ThreadingHTTPServer parse with their own code) and are shown
beside, not compared. Without wrk the sweep is left out with one line (exit 0); without
uvicorn, its two rows. Results: OUT/http_outside.json, written atomically; paragraph()
turns them into the report's words. Run it alone (cpu-slot --both): wrk and the server
share the machine's two cores, which is part of what a row means.
"""

import argparse
import http.client
import importlib.util
import json
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from fiberlab import environment, output

CONNECTIONS = (1, 100, 1_000)
PATH = "/item/20"
SERVE = [sys.executable, "-m", "fiberlab", "serve", "http", "--port", "0", "--model"]
UVICORN = [sys.executable, "-m", "uvicorn", "fiberlab.lab.http_references:asgi", "--http", "h11",
           "--no-access-log", "--log-level", "warning", "--host", "127.0.0.1", "--loop"]
REFERENCE = [sys.executable, "-m", "fiberlab.lab.http_references"]
# (server, parser, loop, command, the reference of the same parser and loop, or None)
LAB = [("lab greenlet", "h11", "own scheduler (selector)", SERVE + ["greenlet"], None),
       ("lab gevent", "h11", "gevent hub (libev)", SERVE + ["gevent"], None),
       ("lab coroutines", "h11", "own loop (selector)", SERVE + ["coroutines"], None),
       ("lab asyncio", "h11", "asyncio", SERVE + ["asyncio"], "uvicorn h11 asyncio"),
       ("lab uvloop", "h11", "uvloop", SERVE + ["uvloop"], "uvicorn h11 uvloop"),
       ("lab threads", "h11", "threads", SERVE + ["threads"], None)]
REFERENCES = [("uvicorn h11 asyncio", "h11", "asyncio", UVICORN + ["asyncio"], None),
              ("uvicorn h11 uvloop", "h11", "uvloop", UVICORN + ["uvloop"], None),
              ("gevent.pywsgi", "pywsgi (gevent's own)", "gevent hub (libev)", REFERENCE + ["pywsgi"], None),
              ("ThreadingHTTPServer", "http.server (stdlib)", "threads", REFERENCE + ["threading"], None)]
UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def free_port():
    """A port free now, for servers that take one on their command line (uvicorn, the references)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command):
    """(process, port) once the server answers a TCP connect; the lab's print their address."""
    if command[:len(SERVE)] == SERVE:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return process, int(process.stdout.readline().rsplit(":", 1)[1])
    port = free_port()
    command = command + (["--port", str(port)] if command[:len(UVICORN)] == UVICORN else [str(port)])
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    stop(process)
    raise RuntimeError(f"{' '.join(command)} did not listen within 10 s")


def warm(port):
    """One request answered in full before wrk starts: a lab server prints its address before its
    loop runs, and a first second spent setting up would be timed as serving."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", PATH)
        connection.getresponse().read()
    finally:
        connection.close()


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(text):
    """requests_per_s, p50_s, p99_s and errors (non-2xx, socket errors) from wrk --latency's output."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p50, p99 = (seconds(re.search(rf"\s{q}%\s+(\S+)", text).group(1)) for q in ("50", "99"))
    socket_errors = re.search(r"Socket errors:(.*)", text)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errors = sum(map(int, re.findall(r"\d+", socket_errors.group(1)))) if socket_errors else 0
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return {"requests_per_s": rate, "p50_s": p50, "p99_s": p99, "errors": errors}


def drive(port, connections, duration):
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency",
               f"http://127.0.0.1:{port}{PATH}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    return parse_wrk(done.stdout)


def servers(say):
    """The servers to drive: the lab's, and every reference whose package is here."""
    chosen = list(LAB)
    if importlib.util.find_spec("uvicorn") is None:
        say("http_outside: uvicorn is not installed (pip install '.[outside]'): its two rows are left out")
        chosen = [row for row in chosen if not (row[4] or "").startswith("uvicorn")]
        return chosen + REFERENCES[2:]
    return chosen + REFERENCES


def sweep(duration, connection_counts, say, chosen=None):
    """A row per (server, connection count) of `chosen` (default: servers(say))."""
    rows = []
    for name, parser, loop, command, reference in chosen or servers(say):
        process, port = start(command)
        try:
            warm(port)
            for connections in connection_counts:
                say(f"http_outside: {name} at {connections:,} connections")
                rows.append({"server": name, "parser": parser, "loop": loop, "connections": connections,
                             "reference": reference, **drive(port, connections, duration)})
        finally:
            stop(process)
    return rows


def compare(rows):
    """Each lab row with a like-for-like reference: its requests/s over the reference's."""
    by = {(row["server"], row["connections"]): row for row in rows}
    return [{"server": row["server"], "reference": row["reference"], "connections": row["connections"],
             "ratio": row["requests_per_s"] / by[row["reference"], row["connections"]]["requests_per_s"]}
            for row in rows if row["reference"] and (row["reference"], row["connections"]) in by]


def paragraph(data):
    """The report's words for one results file: how far each lab server is from its reference."""
    parts = []
    for item in data["comparisons"]:
        plural = "s" if item["connections"] != 1 else ""
        parts.append(f"{item['server']} at {item['connections']:,} connection{plural} serves "
                     f"{item['ratio']:.2f}x the requests/s of {item['reference']}")
    if not parts:
        return "No lab server had its reference server in this run (uvicorn absent?)."
    far = max(data["comparisons"], key=lambda item: abs(1 - item["ratio"]))
    within = all(0.5 <= item["ratio"] <= 2 for item in data["comparisons"])
    verdict = "every one within a factor of 2" if within else f"the farthest, {far['server']}, outside a factor of 2"
    erred = [f"{row['server']} at {row['connections']:,} ({row['errors']:,})"
             for row in data.get("rows", []) if row["errors"]]
    errors = f" wrk counted errors (timeouts, resets) for {', '.join(erred)}." if erred else ""
    return ("Same parser (h11), same loop, outside load by wrk: " + "; ".join(parts) + f" — {verdict}. "
            "gevent.pywsgi and ThreadingHTTPServer parse with their own code, so they stand beside the "
            "lab's gevent and threads rows as what users run, not as a like-for-like comparison." + errors)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.http_outside", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="results", help="folder for http_outside.json (default results)")
    parser.add_argument("--duration", type=int, default=5, choices=range(1, 601), metavar="S",
                        help="seconds wrk drives each server at each connection count (1..600, default 5)")
    parser.add_argument("--connections", default=",".join(map(str, CONNECTIONS)),
                        help="comma-separated connection counts (default 1,100,1000)")
    parser.add_argument("--paragraph", metavar="FILE", help="print the paragraph of a results file and exit")
    args = parser.parse_args(argv)
    if args.paragraph:
        try:
            print(paragraph(json.loads(Path(args.paragraph).read_text())))
        except (OSError, ValueError, KeyError) as exc:
            parser.exit(2, f"cannot read {args.paragraph} as an http_outside results file: {exc}\n")
        return 0
    try:
        counts = [int(each) for each in args.connections.split(",")]
        assert counts and all(1 <= each <= 5_000 for each in counts)
    except (ValueError, AssertionError):
        parser.exit(2, f"--connections must be integers between 1 and 5,000, got {args.connections!r}\n")
    if shutil.which("wrk") is None:
        print("http_outside: wrk is not installed (apt-get install wrk): the outside-load sweep is left out")
        return 0
    Path(args.out).mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))  # servers stopped on the way
    load_before = environment.load()
    rows = sweep(args.duration, counts, lambda text: print(text, file=sys.stderr, flush=True))
    data = {"schema": 1, "kind": "http_outside", "path": PATH, "duration_s": args.duration,
            "date": environment.now(), "load_before": load_before, "load_after": environment.load(),
            "environment": environment.describe(), "rows": rows, "comparisons": compare(rows)}
    output.write_json(str(Path(args.out) / "http_outside.json"), data)
    print(paragraph(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
