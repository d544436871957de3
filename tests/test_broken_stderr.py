"""A stderr that nobody reads, or that is full, costs the progress lines and nothing else.

Every write to stderr (progress lines, tqdm bars, warnings) goes through one guarded stream
(fiberlab/output.py); these run the real entry points with such a stderr and check the result.
"""

import io
import json
import os
import stat
import subprocess
import sys

import pytest

from fiberlab import output
from tests.conftest import REPO

# generator rather than pingpong: no memory-slope runs, so four worker processes fewer, the same progress lines
RUN = ["-m", "fiberlab", "run", "generator", "--models", "greenlet,asyncio", "--param", "items=50", "--repeat", "1"]


def run_with_stderr(args, stderr_fd, timeout=120):
    """Run `python ARGS` with fd 2 = STDERR_FD, stdout captured; the CompletedProcess."""
    return subprocess.run([sys.executable, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=stderr_fd,
                          text=True, timeout=timeout)


def broken_pipe():
    """The write end of a pipe whose reader is gone, as in `2>&1 >out | head -1` once head exits."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


def full_device(tmp_path):
    """A /dev/full of our own under TMP_PATH (a device node, as the real one is)."""
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a /dev/full: every write is ENOSPC
    return os.open(full, os.O_WRONLY)


BROKEN_STDERR = {"reader gone": lambda _tmp_path: broken_pipe(), "full": full_device}


@pytest.mark.parametrize("stderr", BROKEN_STDERR)
def test_a_run_whose_stderr_is_gone_or_full_writes_its_json_and_table(tmp_path, stderr):
    path = tmp_path / "a.json"
    fd = BROKEN_STDERR[stderr](tmp_path)
    try:
        proc = run_with_stderr([*RUN, "--json", str(path)], fd)
    finally:
        os.close(fd)
    assert proc.returncode == 0
    assert "every model matched the reference" in proc.stdout
    models = json.loads(path.read_text())["models"]
    assert {model: entry["status"] for model, entry in models.items()} == {"greenlet": "ok", "asyncio": "ok"}


def test_a_sweep_whose_stderr_reader_is_gone_writes_its_json(tmp_path):
    path = tmp_path / "sweep.json"
    fd = broken_pipe()
    try:
        proc = run_with_stderr(["-m", "fiberlab", "sweep", "generator", "--param", "items=10,20", "--repeat", "1",
                                "--models", "greenlet", "--json", str(path)], fd)
    finally:
        os.close(fd)
    assert proc.returncode == 0
    sweep = json.loads(path.read_text())
    assert sweep["values"] == [10, 20] and len(sweep["points"]) == 2


def test_the_standard_sweeps_finish_when_their_progress_bar_reader_is_gone(tmp_path):
    """tqdm holds its lock while it writes: a write that raised left it held, and the sweep hung."""
    fd = broken_pipe()
    try:
        proc = run_with_stderr(["-m", "fiberlab.lab.standard_sweeps", "--out", str(tmp_path), "--only", "generator",
                                "--tiny", "--models", "greenlet"], fd, timeout=90)
    finally:
        os.close(fd)
    assert proc.returncode == 0
    assert json.loads((tmp_path / "generator.json").read_text())["sweep"] == "generator"


class FailingStream(io.StringIO):
    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_guarded_stream_goes_silent_after_its_first_failed_write():
    guarded = output.GuardedStream(FailingStream())
    assert guarded.write("lost\n") == len("lost\n")
    guarded.flush()
    guarded.write("also lost\n")
    assert guarded.broken and not guarded.isatty()
