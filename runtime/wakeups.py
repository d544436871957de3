"""What our two schedulers wait on when nothing is ready: timers and sockets.

fibers/scheduler.py (greenlet fibers) and coroutines/bare.py (bare coroutines)
both hold one Wakeups. Waiting for a deadline or a readable socket has nothing
to do with how a unit suspends, so it lives here once, and a diff of the two
schedulers shows only the part that differs: how a unit is parked and resumed.
A "unit" is whatever the scheduler resumes: a fiber or a task.

Discussion: a socket stays registered with the selector across waits — it is
registered at its first wait, modified only when the events waited for change,
and unregistered when it is closed (forget) — as production loops do (libev
keeps a watcher's fd in epoll; asyncio's transports keep their reader). So the
usual wait (a handler that reads, echoes and reads again) costs no epoll_ctl
at all. The price: a socket that becomes ready while nobody waits on it makes
one select() return for nothing; then (and only then) the events nobody waits
for are dropped from its registration, as libev drops them lazily.
"""

import heapq
import selectors
import time


class _Waiters:
    """Who waits on one socket: at most one unit to read, one to write."""

    __slots__ = ("reader", "writer")

    def __init__(self):
        self.reader = self.writer = None

    def add(self, events, unit):
        if events & selectors.EVENT_READ:
            if self.reader is not None:
                raise RuntimeError("two units wait to read the same socket")
            self.reader = unit
        if events & selectors.EVENT_WRITE:
            if self.writer is not None:
                raise RuntimeError("two units wait to write the same socket")
            self.writer = unit

    def events(self):
        return (selectors.EVENT_READ if self.reader is not None else 0) | \
               (selectors.EVENT_WRITE if self.writer is not None else 0)


class Wakeups:
    def __init__(self):
        # Sleeping units: (deadline, sequence number, unit); the sequence number
        # keeps equal deadlines in FIFO order and never compares two units.
        self.timers = []
        self.timer_seq = 0
        # Every socket waited on and not yet closed, registered for the events
        # last waited for; the selector's `data` is the socket's _Waiters.
        self.selector = selectors.DefaultSelector()
        # Units parked on a socket now. Invariant: the sum of the units in every
        # _Waiters. A registration with no one waiting wakes no one, so pending()
        # counts units, not registrations.
        self.waiting = 0

    def at(self, deadline, unit):
        """Wake `unit` once time.monotonic() reaches `deadline`."""
        self.timer_seq += 1
        heapq.heappush(self.timers, (deadline, self.timer_seq, unit))

    def on_socket(self, sock, events, unit):
        """Wake `unit` once `sock` is ready for `events` (selectors.EVENT_READ or EVENT_WRITE)."""
        try:
            key = self.selector.get_key(sock)
        except KeyError:
            key = None
        if key is not None and key.fileobj is not sock:
            # A closed socket's fd number, reused by `sock`: the kernel dropped the old
            # registration with the old file (unregister tolerates that), so start over.
            self.selector.unregister(key.fileobj)
            key = None
        if key is None:
            waiters = _Waiters()
            waiters.add(events, unit)
            self.selector.register(sock, events, waiters)
        else:
            key.data.add(events, unit)
            wanted = key.events | events
            if wanted != key.events:  # only a change of events costs a system call
                self.selector.modify(sock, wanted, key.data)
        self.waiting += 1

    def forget(self, sock):
        """`sock` is being closed: drop its registration (no unit may still wait on it)."""
        try:
            key = self.selector.get_key(sock)
        except (KeyError, ValueError):  # never waited on, or already closed
            return
        if key.fileobj is sock:
            self.waiting -= bin(key.data.events()).count("1")
            self.selector.unregister(sock)

    def pending(self):
        return bool(self.timers or self.waiting)

    def wait(self):
        """Block until a timer is due or a socket is ready; return the units to wake, in order."""
        woken = []
        timeout = None
        if self.timers:
            timeout = max(0.0, self.timers[0][0] - time.monotonic())
        if self.waiting:
            for key, ready in self.selector.select(timeout):
                self.wake_waiters(key, ready, woken)
        elif timeout:
            time.sleep(timeout)
        now = time.monotonic()
        while self.timers and self.timers[0][0] <= now:
            woken.append(heapq.heappop(self.timers)[2])
        return woken

    def due(self):
        """The units whose deadline has passed, in order, without waiting; sockets are
        not polled (that costs a system call). A yield calls this, so a unit whose
        timer is due runs at the next yield even while others keep the run queue full."""
        woken = []
        if self.timers and self.timers[0][0] <= time.monotonic():
            now = time.monotonic()
            while self.timers and self.timers[0][0] <= now:
                woken.append(heapq.heappop(self.timers)[2])
        return woken

    def wake_waiters(self, key, ready, woken):
        """Wake whoever waits for the `ready` events of `key`'s socket; keep the registration,
        except for ready events nobody waited for, which are dropped (else select spins)."""
        waiters, unwaited = key.data, 0
        if ready & selectors.EVENT_READ:
            if waiters.reader is not None:
                woken.append(waiters.reader)
                waiters.reader = None
                self.waiting -= 1
            else:
                unwaited |= selectors.EVENT_READ
        if ready & selectors.EVENT_WRITE:
            if waiters.writer is not None:
                woken.append(waiters.writer)
                waiters.writer = None
                self.waiting -= 1
            else:
                unwaited |= selectors.EVENT_WRITE
        keep = key.events & ~unwaited
        if keep != key.events:
            if keep:
                self.selector.modify(key.fileobj, keep, waiters)
            else:
                self.selector.unregister(key.fileobj)

    def close(self):
        self.selector.close()
