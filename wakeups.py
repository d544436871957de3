"""What our two schedulers wait on when nothing is ready: timers and sockets.

fibers/scheduler.py (greenlet fibers) and coroutines/bare.py (bare coroutines)
both hold one Wakeups. Waiting for a deadline or a readable socket has nothing
to do with how a unit suspends, so it lives here once, and a diff of the two
schedulers shows only the part that differs: how a unit is parked and resumed.
A "unit" is whatever the scheduler resumes: a fiber or a task.
"""

import heapq
import selectors
import time


class Wakeups:
    def __init__(self):
        # Sleeping units: (deadline, sequence number, unit); the sequence number
        # keeps equal deadlines in FIFO order and never compares two units.
        self.timers = []
        self.timer_seq = 0
        # Units waiting for a socket; the selector's `data` is the waiting unit.
        self.selector = selectors.DefaultSelector()

    def at(self, deadline, unit):
        """Wake `unit` once time.monotonic() reaches `deadline`."""
        self.timer_seq += 1
        heapq.heappush(self.timers, (deadline, self.timer_seq, unit))

    def on_socket(self, sock, events, unit):
        """Wake `unit` once `sock` is ready for `events` (selectors.EVENT_READ or EVENT_WRITE)."""
        self.selector.register(sock, events, unit)

    def pending(self):
        return bool(self.timers or self.selector.get_map())

    def wait(self):
        """Block until a timer is due or a socket is ready; return the units to wake, in order."""
        woken = []
        timeout = None
        if self.timers:
            timeout = max(0.0, self.timers[0][0] - time.monotonic())
        if self.selector.get_map():
            for key, _events in self.selector.select(timeout):
                self.selector.unregister(key.fileobj)
                woken.append(key.data)
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

    def close(self):
        self.selector.close()
