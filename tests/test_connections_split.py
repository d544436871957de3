"""Split mode's child process (scenarios/connections/split.py) dies with the process that started it.

The child holds thousands of client sockets; if the worker that started it is SIGKILLed, which
nothing can catch, the kernel must end the child too (runtime/lifeline.py), whatever it is doing:
here it is blocked connecting to a listener that never accepts.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

from runtime import process

ROOT = Path(__file__).resolve().parent.parent
PARENT = """
import json, sys, time
from scenarios.connections import split
child = split.start("scenarios.connections.greenlet_fibers", int(sys.argv[2]), json.loads(sys.argv[1]))
print(child.pid, flush=True)
time.sleep(60)
"""
PARAMS = {"connections": 50, "messages": 1, "size": 16, "server_chunk": 0, "split": True, "drop": 0.0,
          "delay_ms": 0}


def test_the_client_process_dies_when_its_parent_is_killed():
    # The listener is ours, so it outlives the parent: it accepts nothing (backlog 0), and the
    # child's clients stay in their connects, which only the parent-death signal cuts short.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = str(listener.getsockname()[1])
    parent = subprocess.Popen([sys.executable, "-c", PARENT, json.dumps(PARAMS), port],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        child = psutil.Process(int(parent.stdout.readline()))
        time.sleep(0.5)  # let it start its clients and block
        assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        child.wait(timeout=10)  # raises psutil.TimeoutExpired if it outlived its parent
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        listener.close()


def test_the_child_s_report_arrives_whole_through_a_non_blocking_pipe_to_a_slow_reader():
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # as libuv leaves the descriptors it touched
    report = json.dumps({"transcripts": ["x" * 1000] * 1000}).encode() + b"\n"  # ~1 MB: many pipefuls
    writer = threading.Thread(target=process.write_all, args=(write_end, report))
    writer.start()
    time.sleep(0.2)  # the pipe is full and the writer waits: nothing has read yet
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
        if sum(map(len, chunks)) == len(report):
            break
    writer.join(5)
    os.close(read_end)
    os.close(write_end)
    assert b"".join(chunks) == report
