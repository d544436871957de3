"""The threads runtime: every unit is a thread with its own OS stack, the kernel schedules.

Read after fibers/scheduler.py (a scheduler of ours, stackful) and
coroutines/bare.py (stackless): here there is no scheduler of ours at all. A
unit is a threading.Thread; a hand-over is a queue.Queue, an Event or a
blocking socket call; whichever thread the kernel wakes (and the GIL lets in)
runs next. Its state (the probe's gate, the first error, the instruments) is
one object, RUNTIME, the runtime contract of runtime/contract.py; the
module-level functions scenario files call (spawn, block, join, ...) are its
bound methods.

Contract with the scenario files (threads.py in each scenario folder):
- Every call that can block goes through block(call, *args), the one place a
  thread waits, so the probe can tell a waiting thread from a running one
  (a thread whose stack holds a `_inside` frame runs no code of its own).
- snapshot(probe, threads) closes a gate that block() holds every thread at,
  waits until every thread in `threads` is inside block(), then calls
  probe.snapshot from a thread of its own, and opens the gate again.
- Each threads.py defines threads_needed(params): the threads its busiest
  process starts and has alive at once (the main thread not counted).
  refusal() turns a run beyond THREAD_LIMIT away before it starts (the
  harness asks through Model.refuses), and require_threads() refuses it again
  inside the worker, for callers that did not ask.
"""

import gc
import resource
import select
import signal
import socket
import sys
import threading
import time

from runtime import frames
from runtime.contract import Leftover, class_name

# Threads alive at once, at most. Each reserves a stack of stack_reserved_bytes()
# (8 MiB here) of address space and touches a few tens of KiB of it; the kernel
# allows far more (threads-max), but 10,000 threads on 2 shared cores is already
# a machine that does little else (10,000 connections split, 20,000 threads in two
# processes, held the load average near 700 for minutes, so it stays refused).
# Every memory-slope run fits (pingpong's larger one is 2,500 pairs = 5,000
# threads); spawn beyond 1,000 leaves does not.
THREAD_LIMIT = 10_000
PROBE_PATIENCE_S = 30  # how long the probe waits for every thread to block before it gives up

# Fail fast, as the other models do: a unit that dies leaves its partner waiting on a
# queue for ever, and the main thread waiting on that partner. So the first error is
# raised in the main thread at once, wherever it waits: its signal interrupts the
# main thread's wait (lock acquires, select, sleep), and the handler raises the error.
# SIGURG, since its default action is to ignore it: one that arrives after run()
# has put the old handler back does nothing.
FAIL_SIGNAL = signal.SIGURG


class Unit(threading.Thread):
    """A thread that keeps what its function returned, or raised, for join().

    Daemon, so a run that fails with threads still blocked ends its process
    instead of hanging it; the worker reports such threads as a leak."""

    def __init__(self, name, func, args):
        super().__init__(name=name, daemon=True)
        self.func, self.args = func, args
        self.result = self.error = None

    def run(self):
        runtime = RUNTIME
        if runtime.instruments:
            runtime.tell_switched("kernel", self.name)  # the kernel runs the new thread
        try:
            self.result = self.func(*self.args)
        except BaseException as exc:  # noqa: BLE001 - handed to whoever joins this unit
            self.error = exc
            runtime.fail_fast(exc)
        if runtime.instruments:
            runtime.tell_switched(self.name, "kernel")  # its end: the kernel runs whoever is next
            runtime.tell_finished(self.name)


def _inside(call, *args):
    return call(*args)  # a frame of this function on a thread's stack is what "blocked" means


class Threads:
    """OS threads seen through the runtime contract: no scheduler of ours, one object of state."""

    stack = "stackful"

    def __init__(self):
        # The gate: cleared while the probe looks, so block() holds every thread.
        # Invariant: set whenever no snapshot() is under way.
        self.gate = threading.Event()
        self.gate.set()
        # The first unit error of the current run(): at most one, raised in the main thread.
        self.first_error = []
        # Non-empty while run() is active on the main thread: FAIL_SIGNAL's handler is ours.
        self.main_waiting = []
        # Instruments told of every thread made, started, blocked, woken and ended.
        # Invariant: empty unless --trace asked; block() tests it and goes on.
        self.instruments = []
        self.lock = threading.Lock()  # instruments are told from many threads at once

    def fail_fast(self, exc):
        if self.first_error or not self.main_waiting:
            return
        self.first_error.append(exc)
        signal.pthread_kill(threading.main_thread().ident, FAIL_SIGNAL)

    def raise_first_error(self, _signum, _frame):
        if self.first_error and self.main_waiting:
            self.main_waiting.clear()  # once: the main thread unwinds from here
            raise self.first_error[0]

    def run(self, main, *args):
        """main(*args) on the calling thread (the process's main thread): with threads
        there is no loop to start, the kernel is already running. The first unit to
        fail ends the run with its error at once (see FAIL_SIGNAL)."""
        if threading.current_thread() is not threading.main_thread():
            return main(*args)  # no signals off the main thread; the units' joins still raise
        self.first_error.clear()
        previous = signal.signal(FAIL_SIGNAL, self.raise_first_error)
        self.main_waiting.append(True)
        try:
            return main(*args)
        finally:
            self.main_waiting.clear()
            signal.signal(FAIL_SIGNAL, previous)

    def create(self, func, *args, name=None):
        """A Unit that will run func(*args), not started yet (unit.start())."""
        unit = Unit(name, func, args)
        if self.instruments:
            self.tell_created(unit.name)
        return unit

    def spawn(self, func, *args, name=None):
        """A started Unit running func(*args) (the same signature as fibers.spawn)."""
        unit = self.create(func, *args, name=name)
        unit.start()
        return unit

    def current(self):
        return threading.current_thread()

    def block(self, call, *args):
        """call(*args), a call that may block; the one place a thread waits."""
        if self.instruments:
            return self.traced_block(call, args)
        if not self.gate.is_set():
            _inside(self.gate.wait)  # the probe is looking; back when it has looked
        return _inside(call, *args)

    def traced_block(self, call, args):
        name = thread_name(threading.current_thread())
        self.tell_switched(name, "kernel")
        try:
            if not self.gate.is_set():
                _inside(self.gate.wait)  # the probe is looking; back when it has looked
            return _inside(call, *args)  # -> kernel: whichever thread it wakes runs next
        finally:
            self.tell_switched("kernel", name)

    def join(self, unit):
        """What the unit returned, once it has ended (its error, raised here, if it failed)."""
        self.block(unit.join)  # -> kernel; back when the thread has ended
        if unit.error is not None:
            raise unit.error
        return unit.result

    def sleep(self, seconds):
        self.block(time.sleep, seconds)  # -> kernel; back after `seconds`

    def yield_(self):
        self.block(time.sleep, 0)  # -> kernel, which may run another thread; back at once if none

    def park(self):
        """Wait until ready(this thread, value); return `value`."""
        parked = Parked.of(threading.current_thread())
        self.block(parked.event.wait)  # -> kernel; back once ready() has set it
        parked.event.clear()
        return parked.value

    def ready(self, unit, value=None):
        parked = Parked.of(unit)
        parked.value = value
        parked.event.set()

    def wait_readable(self, sock):
        self.block(select.select, [sock], [], [])  # -> kernel; back when `sock` can be read

    def wait_writable(self, sock):
        self.block(select.select, [], [sock], [])  # -> kernel; back when `sock` can be written

    def snapshot(self, probe, threads):
        """Call probe.snapshot(threads) once every thread in `threads` waits inside
        block(); threads that reach block() meanwhile wait at the gate, so the
        others stop too. A caller that is one of `threads` must itself be blocked
        while the probe looks, so the probe looks from a thread of its own; a
        caller that is not (idle's main thread) looks itself, no thread more."""
        outcome = []
        self.gate.clear()
        try:
            if self.current() in threads:
                looker = self.spawn(_look, probe, threads, outcome, name="probe")
                name = thread_name(self.current())
                if self.instruments:
                    self.tell_switched(name, "kernel")
                _inside(looker.join)  # -> probe thread; back when it has looked (not through the closed gate)
                if self.instruments:
                    self.tell_switched("kernel", name)
            else:
                _look(probe, threads, outcome)
        finally:
            self.gate.set()
        if outcome:
            raise outcome[0]

    def describe(self, stopped):
        return describe(stopped)

    def scheduler_name(self):
        return class_name(self)  # this object is the scheduler

    def prepare(self):
        pass  # no thread outlives a run

    def leftovers(self):
        """Units (threads made here) still running. The worker's own census of the
        process's threads counts any other thread a run left."""
        running = [thread for thread in threading.enumerate() if isinstance(thread, Unit)]
        return [Leftover("thread", "still running", running)] if running else []

    def add_instrument(self, instrument):
        """A thread entering block() is `thread -> kernel`, leaving it `kernel ->
        thread`; a thread's start is `kernel -> thread`, its end `thread -> kernel`.
        Every hand-over in the threads scenario files goes through block(), so every
        one is seen; not seen: a switch the GIL forces inside running code (every
        5 ms of it, by default), which no wait marks."""
        self.instruments.append(instrument)

    def remove_instrument(self, instrument):
        self.instruments.remove(instrument)

    def tell_created(self, name):
        with self.lock:
            for instrument in self.instruments:
                instrument.created(name)

    def tell_switched(self, origin, target):
        with self.lock:
            for instrument in self.instruments:
                instrument.switched(origin, target)

    def tell_finished(self, name):
        with self.lock:
            for instrument in self.instruments:
                instrument.finished(name)


class Parked:
    """A thread's slot for park() and ready(): the event it waits on and the value it gets."""

    __slots__ = ("event", "value")

    def __init__(self):
        self.event, self.value = threading.Event(), None

    @staticmethod
    def of(thread):
        try:
            return thread._fiberlab_parked
        except AttributeError:
            thread._fiberlab_parked = Parked()
            return thread._fiberlab_parked


def thread_name(thread):
    return "main" if thread is threading.main_thread() else thread.name


RUNTIME = Threads()

run = RUNTIME.run
create = RUNTIME.create
spawn = RUNTIME.spawn
current = RUNTIME.current
block = RUNTIME.block
join = RUNTIME.join
sleep = RUNTIME.sleep
snapshot = RUNTIME.snapshot


class Socket(socket.socket):
    """A blocking socket whose blocking calls go through block()."""

    __slots__ = ()

    def accept(self):
        fd, address = block(self._accept)  # -> kernel; back with the next connection
        return Socket(self.family, self.type, self.proto, fileno=fd), address

    def connect(self, address):
        block(super().connect, address)  # -> kernel; back when the handshake is done

    def recv(self, most):
        return block(super().recv, most)  # -> kernel; back with bytes, or b"" at EOF

    def sendall(self, data):
        block(super().sendall, data)  # -> kernel while the send buffer is full


class Stopped:
    """One thread as the probe saw it: the thread and its innermost frame at that instant."""

    __slots__ = ("thread", "frame")

    def __init__(self, thread, frame):
        self.thread, self.frame = thread, frame


def _is_blocked(frame):
    while frame is not None:
        if frame.f_code is _inside.__code__:
            return True
        frame = frame.f_back
    return False


def current_frames():
    """Every thread's innermost frame, taken at one instant, with no garbage collection meanwhile.

    sys._current_frames() holds the runtime's lock on the list of thread states while it
    builds its dict. A collection due then runs Python code (a weakref callback, e.g.
    threading's WeakSet of threads), which can hand the GIL to a thread that is starting
    or ending, and that thread waits for the list's lock while holding the GIL: both wait
    for ever (CPython gh-106883; fixed upstream the same way, no collection during the
    call, but not in the 3.11.7 this lab runs on). Seen as spawn and pingpong runs that
    hung for ever with the probe inside sys._current_frames."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return sys._current_frames()
    finally:
        if collecting:
            gc.enable()


def _look(probe, threads, outcome):
    deadline = time.monotonic() + PROBE_PATIENCE_S
    while True:
        frames = current_frames()
        stopped = [Stopped(thread, frames.get(thread.ident)) for thread in threads]
        running = [each.thread.name for each in stopped if not _is_blocked(each.frame)]
        if not running:
            probe.record("stack_reserved_bytes", stack_reserved_bytes())
            probe.snapshot(stopped)
            return
        if time.monotonic() > deadline:
            outcome.append(RuntimeError(f"{len(running)} threads never blocked for the probe "
                                        f"(first: {running[0]}) within {PROBE_PATIENCE_S} s"))
            return
        time.sleep(0.0005)


def wait_blocked(threads):
    """Return once every thread in `threads` has been seen waiting inside block()
    (a thread seen blocked is not looked at again)."""
    deadline = time.monotonic() + PROBE_PATIENCE_S
    waiting = list(threads)
    while True:
        frames = sys._current_frames()
        waiting = [thread for thread in waiting if not _is_blocked(frames.get(thread.ident))]
        if not waiting:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{len(waiting)} threads never blocked within {PROBE_PATIENCE_S} s "
                               f"(first: {waiting[0].name})")
        time.sleep(0.0005)


def stack_reserved_bytes():
    """Address space reserved for each new thread's stack: threading.stack_size()
    if set, else glibc's default, which is RLIMIT_STACK (2 MiB if unlimited)."""
    if threading.stack_size():
        return threading.stack_size()
    soft, _hard = resource.getrlimit(resource.RLIMIT_STACK)
    return 2 * 2**20 if soft == resource.RLIM_INFINITY else soft


def python_frames(frame):
    count = 0
    while frame is not None:
        count += 1
        frame = frame.f_back
    return count


def python_frame_bytes(frame):
    """Bytes of the thread's Python frames where they live, measured as a fiber's are."""
    total = 0
    while frame is not None:
        total += frames.frame_bytes(frame)
        frame = frame.f_back
    return total


def describe(stopped):
    """Stack picture of one blocked thread, in the probe's vocabulary. Nothing of
    a thread's C stack is copied (c_stack_bytes None): it stays on the thread's
    own stack, of which the thread reserved c_stack_reserved_bytes of address
    space; the RSS it touched is far smaller (the memory slope, bytes per task,
    has it). Its Python frames sit on the thread's own data stack (3.11+)."""
    return {
        "frames": python_frames(stopped.frame),
        "c_stack_bytes": None,
        "c_stack_reserved_bytes": stack_reserved_bytes(),
        "frame_bytes": python_frame_bytes(stopped.frame),
    }


def refusal(module, params):
    """None if the run fits under THREAD_LIMIT, else the one line that refuses it
    (Model.refuses: `module` is the scenario's threads.py)."""
    return refusal_of(module.threads_needed(params))


def refusal_of(needed):
    if needed <= THREAD_LIMIT:
        return None
    return (f"the threads model would have {needed:,} threads alive at once, beyond its limit of "
            f"{THREAD_LIMIT:,} (os_threads.kernel.THREAD_LIMIT; each reserves {stack_reserved_bytes() / 2**20:g} MiB of stack)")


def require_threads(needed):
    """Raise at once, rather than start thousands of threads and exhaust the machine."""
    reason = refusal_of(needed)
    if reason:
        raise RuntimeError(reason)
