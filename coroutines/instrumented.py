"""A coroutine that tells instruments each time its loop enters and leaves it.

A coroutine has no switch hook: the loop (ours or asyncio's) resumes it with
send() or throw(), and it suspends by yielding back. So both stackless
runtimes wrap a task's coroutine in this when instrumented: entering it is
`loop -> task`, leaving it `task -> loop`, and its StopIteration or error is
the task's end. The probe walks on through cr_await into the real coroutine.
"""

import collections.abc


class Instrumented(collections.abc.Coroutine):
    """`task` (set at once, or right after the task is made) names the unit: its
    get_name() is read at each step, since asyncio names a task only after its
    factory has made it. The first step tells `created` if the runtime did not."""

    def __init__(self, coro, instruments, task=None, told_created=False):
        self.cr_await = coro  # the probe walks on into the real coroutine
        self.instruments = instruments
        self.task = task
        self.told_created = told_created

    def _step(self, method, *args):
        name = self.task.get_name() if self.task is not None else "task"
        if not self.told_created:
            self.told_created = True
            for instrument in self.instruments:
                instrument.created(name)
        for instrument in self.instruments:
            instrument.switched("loop", name)
        ended = True
        try:
            result = method(*args)
            ended = False
            return result
        finally:
            for instrument in self.instruments:
                instrument.switched(name, "loop")
            if ended:  # StopIteration (it returned) or its error: it will not run again
                for instrument in self.instruments:
                    instrument.finished(name)

    def send(self, value):
        return self._step(self.cr_await.send, value)

    def throw(self, *args):
        return self._step(self.cr_await.throw, *args)

    def close(self):
        self.cr_await.close()

    def __await__(self):
        return self.cr_await.__await__()
