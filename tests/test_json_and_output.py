"""--json writes where docs/output-and-signals.md says and nothing else; the result survives whatever
happens to stdout and stderr after the run; a run with no operation still reports."""

import json
import os
import socket
import stat
import subprocess
import sys
import threading

import pytest

from tests.conftest import REPO, run_cli

SMALL = ["run", "generator", "--param", "items=50", "--repeat", "1", "--models", "greenlet"]


def start_cli(*args, **popen_options):
    return subprocess.Popen([sys.executable, "-m", "fiberlab", *args], cwd=REPO, text=True, **popen_options)


def test_json_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path, harness):
    target = tmp_path / "real.json"
    target.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    proc = harness(*SMALL, "--json", str(link))
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["scenario"] == "generator"
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_json_to_a_character_device_writes_through_it_and_leaves_the_node(tmp_path, harness):
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own, so nothing shared is at risk
    proc = harness(*SMALL, "--json", str(node))
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(os.stat(node).st_mode)
    assert os.listdir(tmp_path) == ["null"]


def test_json_to_a_fifo_writes_through_it(tmp_path, harness):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo).read()), daemon=True)
    reader.start()
    proc = harness(*SMALL, "--json", str(fifo))
    reader.join(timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(received[0])["scenario"] == "generator"


def test_dev_stdout_and_its_kin_are_written_through_the_open_fd():
    from fiberlab.output import json_target

    assert json_target("/dev/stdout") == ("through", 1)
    assert json_target("/dev/stderr") == ("through", 2)
    assert json_target("/proc/self/fd/1") == ("through", 1)


# /dev/fd/1 rather than /dev/stdout, and a node of our own rather than /dev/full: run against
# code that replaced such paths, these tests fail without replacing anything shared.
def test_json_to_the_stdout_fd_comes_before_the_table_on_stdout():
    proc = run_cli(*SMALL, "--json", "/dev/fd/1")
    assert proc.returncode == 0, proc.stderr
    document, _end, table = proc.stdout.partition("\n}\n")
    assert json.loads(document + "\n}")["scenario"] == "generator"
    assert "every model matched the reference" in table


def test_json_to_a_socket_is_refused_before_anything_runs(tmp_path, harness):
    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        proc = harness(*SMALL, "--json", str(path))
        assert stat.S_ISSOCK(os.stat(path).st_mode)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "neither a regular file nor a stream" in proc.stderr
    assert proc.stdout == ""


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_json_write_that_fails_after_the_run_is_one_line_and_exit_2(tmp_path, harness):
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # a /dev/full: every write is ENOSPC, as on a full disk
    proc = harness(*SMALL, "--json", str(full))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith(f"fiberlab: could not write the JSON to {full}"), proc.stderr
    assert stat.S_ISCHR(os.stat(full).st_mode)
    assert "Traceback" not in proc.stderr
    assert "every model matched the reference" in proc.stdout  # the table is not lost with the file


def test_a_pyperf_write_that_fails_after_the_run_keeps_the_table_and_is_one_line(tmp_path, harness, monkeypatch):
    from fiberlab import output

    def disk_full(_where, _write):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "replace_atomically", disk_full)
    proc = harness(*SMALL, "--pyperf", str(tmp_path / "timings.json"))
    assert proc.returncode == 2 and "every model matched the reference" in proc.stdout
    assert proc.stderr.strip().splitlines()[-1] == (f"fiberlab: could not write the pyperf file {tmp_path}/timings.json: "
                                                    "No space left on device")


def test_a_json_name_at_the_file_system_limit_is_written(tmp_path, harness):
    path = tmp_path / ("r" * 250 + ".json")  # 255 characters: a temporary name made from it would not fit
    proc = harness(*SMALL, "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(path.read_text())["scenario"] == "generator"
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []


@pytest.mark.parametrize("path", ["/dev/stdin", "/dev/fd/0"])
def test_json_to_the_input_is_refused_before_anything_runs(path, harness):
    proc = harness(*SMALL, "--json", path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "is the input, not an output" in proc.stderr or "not open for writing" in proc.stderr


def test_json_dash_writes_the_result_to_stdout_before_the_table():
    proc = run_cli(*SMALL, "--json", "-")
    assert proc.returncode == 0
    decoder = json.JSONDecoder()
    result, end = decoder.raw_decode(proc.stdout)
    assert result["scenario"] == "generator" and "every model matched" in proc.stdout[end:]


def test_a_closed_stdout_costs_no_measurement(tmp_path):
    path = tmp_path / "out.json"
    proc = start_cli(*SMALL, "--json", str(path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # as `| head -0`: every print meets a closed pipe
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    assert json.loads(path.read_text())["models"]["greenlet"]["status"] == "ok"


def test_a_stdout_that_cannot_encode_the_table_costs_no_measurement(tmp_path):
    path = tmp_path / "out.json"
    env = dict(os.environ, PYTHONIOENCODING="ascii")
    proc = subprocess.run([sys.executable, "-m", "fiberlab", *SMALL, "--json", str(path)], cwd=REPO, env=env,
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"Traceback" not in proc.stderr
    assert b"every model matched the reference" in proc.stdout
    assert json.loads(path.read_text())["models"]["greenlet"]["status"] == "ok"


def test_a_closed_stderr_costs_no_measurement(tmp_path):
    path = tmp_path / "out.json"
    proc = start_cli(*SMALL, "--json", str(path), stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2))
    stdout, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "every model matched the reference" in stdout
    assert json.loads(path.read_text())["models"]["greenlet"]["status"] == "ok"


def test_a_run_where_every_connection_drops_before_its_first_echo_reports_no_ns_per_op(tmp_path, harness):
    path = tmp_path / "out.json"
    proc = harness("run", "connections", "--param", "connections=1", "--param", "messages=1", "--param", "drop=1.0",
                   "--repeat", "1", "--models", "greenlet,asyncio", "--json", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    for entry in json.loads(path.read_text())["models"].values():
        assert entry["status"] == "ok" and entry["ops"] == 0 and entry["ns_per_op"] is None
        assert "no operation was performed (ops = 0), so no ns per op" in entry["notes"]
    assert "every model matched the reference" in proc.stdout


def test_a_json_fifo_nobody_reads_fails_at_once_instead_of_holding_the_run(tmp_path):
    from fiberlab import output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    failures = []

    def write():
        try:
            output.write_json(output.json_target(str(fifo)), {"a": 1})
        except output.WriteFailed as exc:
            failures.append(str(exc))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(timeout=5)
    if writer.is_alive():
        open(fifo).close()  # the reader it waited for: the thread ends
        pytest.fail("the write waited for a reader of the FIFO")
    assert failures and failures[0].endswith(": no process is reading that FIFO")
