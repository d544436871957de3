"""Stopping on a signal: no worker outlives the process that started it.

Contract:
- Every entry point (fiberlab run/sweep/serve/pythons, fiberlab.lab.standard_sweeps) calls
  install() first and turns Stopped into its exit status, 128 + the signal number,
  after its `finally` blocks ran (temporary files gone, workers reaped).
- Every worker is started with start() and dropped with forget() once reaped.
  On SIGHUP, SIGINT, SIGQUIT or SIGTERM the handler SIGKILLs the process group
  of every worker started and not forgotten, then raises Stopped in the main
  thread. A stop that comes while the main thread is between fork and
  registering the new worker is held until start() has registered it: then
  start() kills it and raises. A thread of a pool sees the stop on its next
  start() or when its killed worker ends (check()).
- The killing does not wait for the main thread: a signal that lands just
  before the main thread goes to sleep on a lock (a pool's future, say) runs
  its Python handler only once that sleep ends, which, with the worker it
  waits for still alive, may be never. So install() also sets a wakeup fd,
  which the C-level handler writes the signal's number to at once, in whatever
  thread, and a watcher thread reading it kills the workers' groups; the
  sleeping main thread then wakes as its worker ends and raises.
- A worker calls die_with_parent() (runtime/lifeline.py) first thing: if the harness dies of SIGKILL,
  which nothing can catch, the kernel sends the worker SIGKILL too.
"""

import ctypes
import os
import signal
import subprocess
import sys
import threading

# die_with_parent lives with the runtimes (a scenario's own child calls it too); it is
# importable from here as before, for the entry points that think of it as stopping's.
from runtime.lifeline import PR_SET_PDEATHSIG, child_env, die_with_parent  # noqa: F401

STOP_SIGNALS = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGTERM)
# Set by the Makefile: `make` passes no signal on to the command it runs, so a
# sweep run by make asks for SIGTERM when make dies (and stops as on any SIGTERM).
STOP_WITH_PARENT_ENV = "FIBERLAB_STOP_WITH_PARENT"

_workers = set()  # Popen objects started and not yet forgotten; the handler kills their groups
_stopped_by = []  # the first stop signal's number, once one came
_holding = [False]  # the main thread is inside start(): the handler does not raise
_raised = []  # the main thread has raised Stopped (handler or check()): the handler raises no more
_watcher = []  # while installed: the wakeup-fd watcher's thread, its pipe, the wakeup fd it replaced


class Stopped(BaseException):
    """A stop signal came; BaseException, so no `except Exception` swallows it."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_status = 128 + signum

    def message(self):
        return f"interrupted by {signal.Signals(self.signum).name}; workers stopped"


def kill_group(proc):
    if proc.returncode is not None:
        return  # reaped: its pid may already belong to someone else
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(signum):
    """Note the stop (the first signal's number is the one reported) and kill every
    registered worker's group. Runs in the main thread's handler and in the watcher,
    whichever comes first; the second finds the groups gone (killing twice is harmless).
    Against start() in another thread: each side writes its own list, then reads the
    other's, so either start() sees the stop or this sees the worker."""
    if not _stopped_by:
        _stopped_by.append(signum)
    for proc in list(_workers):
        kill_group(proc)


def _on_signal(signum, _frame):
    _stop(signum)
    # Raised once only: raising again (a second signal, or this one's handler running late,
    # after check() raised for it) would cut the first one's clean-up short.
    if not _raised and not _holding[0]:
        _raised.append(signum)
        raise Stopped(_stopped_by[0])


def _watch(read_fd):
    """The watcher thread: kill on every stop signal as soon as it comes, even while
    the main thread, which alone runs Python signal handlers, sleeps (see the contract)."""
    while True:
        for signum in os.read(read_fd, 64):
            if signum == 0:
                return  # restore() asks us to end
            if signum in STOP_SIGNALS:
                _stop(signum)


def install():
    """Catch every catchable stop signal (call from the main thread); returns what
    restore() puts back, for a caller in a process that goes on (the tests)."""
    _stopped_by.clear()
    _raised.clear()
    if os.environ.pop(STOP_WITH_PARENT_ENV, None) and sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    read_fd, write_fd = os.pipe()  # not inherited by workers (PEP 446)
    os.set_blocking(write_fd, False)  # the C handler must never block; a full pipe already wakes the watcher
    watcher = threading.Thread(target=_watch, args=(read_fd,), name="stop-watcher", daemon=True)
    watcher.start()
    _watcher.append((watcher, read_fd, write_fd, signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)))
    return {signum: signal.signal(signum, _on_signal) for signum in STOP_SIGNALS}


def restore(previous):
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    if _watcher:
        watcher, read_fd, write_fd, previous_fd = _watcher.pop()
        signal.set_wakeup_fd(previous_fd)
        os.write(write_fd, b"\0")  # the watcher's cue to end; no signal has number 0
        watcher.join()
        os.close(read_fd)
        os.close(write_fd)


def check():
    """Raise Stopped if a stop signal has come: how a pool thread sees it, and start() in any thread."""
    if _stopped_by:
        if threading.current_thread() is threading.main_thread():
            _raised.append(_stopped_by[0])  # the handler, if it has yet to run, raises no second one
        raise Stopped(_stopped_by[0])


def start(command, **popen_options):
    """subprocess.Popen(command, start_new_session=True, ...), registered so a stop kills its group."""
    check()
    env = child_env(popen_options.pop("env", None) or os.environ)
    main = threading.current_thread() is threading.main_thread()
    _holding[0] = main
    try:
        proc = subprocess.Popen(command, start_new_session=True, env=env, **popen_options)
        _workers.add(proc)
    finally:
        if main:
            _holding[0] = False
    if _stopped_by:
        kill_group(proc)
        proc.wait()
        forget(proc)
        check()
    return proc


def forget(proc):
    _workers.discard(proc)
