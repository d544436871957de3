"""--trace: print every switch as `[model] from -> to`, the same for every model.

Stackful models are traced with greenlet.settrace, which sees every greenlet
switch (our scheduler's and gevent's hub alike). asyncio has no switch hook, so
each task's coroutine is wrapped: entering it is `loop -> task`, leaving it is
`task -> loop`. OS threads have no switch hook either: a thread entering
os_threads.block() (the one place a thread waits) is `thread -> kernel`, and
leaving it `kernel -> thread`; a switch the GIL forces inside running code,
without a wait, is not seen. Meant for small sizes: after LIMIT lines the
printing stops. The same events, up to RECORD_LIMIT, are kept for switches()
(the worker returns them; the report draws its switch timelines from them).
"""

import asyncio
import collections.abc
import sys
import threading

import greenlet

import os_threads

LIMIT = 200
RECORD_LIMIT = 5_000  # events kept for the timeline; a small run has far fewer
_printed = 0
_recorded = []  # [origin, target] in the order the switches happened
_lock = threading.Lock()  # threads emit from several OS threads at once


def _emit(model_id, origin, target):
    global _printed
    with _lock:
        _printed += 1
        if len(_recorded) < RECORD_LIMIT:
            _recorded.append([origin, target])
        if _printed <= LIMIT:
            print(f"[{model_id}] {origin} -> {target}")
        elif _printed == LIMIT + 1:
            print(f"[{model_id}] ... trace cut at {LIMIT} switches")
        sys.stdout.flush()


def switches():
    """Every switch emitted so far (up to RECORD_LIMIT), as [origin, target] pairs."""
    with _lock:
        return [list(pair) for pair in _recorded]


def _thread_name(thread):
    return "main" if thread is threading.main_thread() else thread.name


def _greenlet_name(unit):
    name = getattr(unit, "name", None)
    if isinstance(name, str) and name:
        return name
    if unit.parent is None:
        return "root"  # the process's first greenlet: our scheduler loop, or gevent's caller
    return type(unit).__name__.lower()  # gevent's Hub -> "hub"


def install(model):
    if model.stack == "stackful":

        def on_switch(event, args):
            if event in ("switch", "throw"):
                origin, target = args
                _emit(model.id, _greenlet_name(origin), _greenlet_name(target))

        if model.runtime == "kernel scheduler":
            _trace_threads(model)
        else:
            greenlet.settrace(on_switch)
    elif model.runtime == "own scheduler":  # coroutines.bare: every step its loop runs is loop -> task -> loop
        from coroutines import bare

        def traced_coroutine(task, coro):
            wrapper = _TracedCoroutine(coro, model.id)
            wrapper.task = task
            return wrapper

        bare.on_new_coroutine(traced_coroutine)  # in this worker only: --trace runs get a process of their own
    else:
        from coroutines import runner

        def traced_tasks(loop):
            def factory(loop, coro, **kwargs):
                wrapper = _TracedCoroutine(coro, model.id)
                task = asyncio.Task(wrapper, loop=loop, **kwargs)
                wrapper.task = task
                return task

            loop.set_task_factory(factory)

        runner.on_new_loop(traced_tasks)


def _trace_threads(model):
    block = os_threads.block

    def traced_block(call, *args):
        name = _thread_name(threading.current_thread())
        _emit(model.id, name, "kernel")
        try:
            return block(call, *args)  # -> kernel: whichever thread it wakes runs next
        finally:
            _emit(model.id, "kernel", name)

    os_threads.block = traced_block  # in this worker only: --trace runs get a process of their own


class _TracedCoroutine(collections.abc.Coroutine):
    """A coroutine that reports each time the loop enters and leaves it."""

    def __init__(self, coro, model_id):
        self.cr_await = coro  # the probe walks on into the real coroutine
        self.model_id = model_id
        self.task = None

    def _step(self, method, *args):
        name = self.task.get_name() if self.task else "task"
        _emit(self.model_id, "loop", name)
        try:
            return method(*args)
        finally:
            _emit(self.model_id, name, "loop")

    def send(self, value):
        return self._step(self.cr_await.send, value)

    def throw(self, *args):
        return self._step(self.cr_await.throw, *args)

    def close(self):
        self.cr_await.close()

    def __await__(self):
        return self.cr_await.__await__()
