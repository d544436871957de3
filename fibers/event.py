"""An event fibers wait for: wait() parks until set(); set() wakes every waiter.

The waiter list is where a waiting fiber is found again (the scheduler's
contract: park somewhere, then switch out). set() only queues the waiters on
the run queue; they run when the setter next suspends.
"""

from greenlet import getcurrent

from fibers import scheduler


class Event:
    __slots__ = ("is_set", "_waiters")

    def __init__(self):
        self.is_set = False
        self._waiters = []  # fibers parked in wait(), in arrival order

    def wait(self):
        if not self.is_set:
            self._waiters.append(getcurrent())
            scheduler.park()  # -> next ready fiber; back once set() queued us

    def set(self):
        self.is_set = True
        for fiber in self._waiters:
            scheduler.ready(fiber)
        self._waiters.clear()
