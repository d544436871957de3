"""A harness (or sweep, or make) process stopped from outside, and the workers it leaves, or not.

Shared by test_fault_isolation.py and test_sweep_signals.py: every entry point must stop the
same way (fiberlab/stopping.py), so they are stopped and checked the same way.
"""

import signal
import time

import psutil

STOP_SIGNALS = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM]  # fiberlab/stopping.py catches each


def wait_for_workers(parent, seconds=30, started=True):
    """The parent's children once one exists; started=True waits until one runs fiberlab.worker
    (not just forked), started=False returns the first child seen, however early."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = psutil.Process(parent.pid).children(recursive=True)
        try:
            if workers and (not started or any("fiberlab.worker" in worker.cmdline() for worker in workers)):
                return workers
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.01 if not started else 0.05)
    raise AssertionError("the harness started no worker")


def gone(process):
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def all_gone_within(processes, seconds):
    """Whether every process has ended within SECONDS; any survivor is killed then, so a
    failing test leaves nothing running on the shared machine."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(gone(process) for process in processes):
            return True
        time.sleep(0.05)
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    return False


class Stopped:
    """What stopping a parent left: its stderr, its workers, and whether they all ended within 5 s."""

    def __init__(self, stderr, workers, workers_gone):
        self.stderr, self.workers, self.workers_gone = stderr, workers, workers_gone


def stop(parent, signum, started=True):
    """Send `signum` to `parent` once it has a worker (see wait_for_workers), wait for it to end.
    Whatever fails, nothing is left running: the parent is killed if it outlives 30 s, and the
    workers are checked (and killed) before anything is asserted."""
    workers, stderr = [], None
    try:
        workers = wait_for_workers(parent, started=started)
        parent.send_signal(signum)
        _stdout, stderr = parent.communicate(timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
        workers_gone = all_gone_within(workers, 5)
    return Stopped(stderr, workers, workers_gone)
