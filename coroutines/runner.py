"""Runs a scenario's main coroutine on the chosen event loop.

The loop is chosen by the worker before the scenario runs (`use_loop`), so a
model such as uvloop is a runner option, not a new scenario file. Tasks still
pending when main returns are recorded for the hygiene check, then cancelled,
so no "Task was destroyed but it is pending" noise follows.

Fail fast: a task that ends with an exception cancels main, and run() raises
that exception. Without it, a task that dies while its partner waits on a
queue leaves the run hanging until the worker's timeout (our fiber scheduler
raises the dead fiber's error when it finds the deadlock; asyncio cannot tell).
"""

import asyncio

_loop_factory = asyncio.new_event_loop
_on_new_loop = []  # callables(loop), e.g. the tracer's task factory
_leftover = []  # names of tasks still pending when the last run() ended


def use_loop(factory):
    global _loop_factory
    _loop_factory = factory


def use_uvloop():
    """The uvloop model's setup (harness.models): the asyncio scenario files, unchanged, on libuv's loop."""
    import uvloop

    # libuv opens a process-wide pipe with the first loop and keeps it for the
    # process's life; open it now, before the worker's fd census, as the
    # worker does for gevent's hub, so it is not reported as the scenario's leak.
    warm = uvloop.new_event_loop()
    warm.run_until_complete(asyncio.sleep(0))
    warm.close()
    use_loop(uvloop.new_event_loop)


def on_new_loop(hook):
    _on_new_loop.append(hook)


def leftover_tasks():
    return list(_leftover)


def _fail_fast(loop, failures):
    """Wrap the loop's task factory so every task reports its failure to `failures`
    and cancels main (the first task made); wraps whatever factory hooks set."""
    inner = loop.get_task_factory()
    made = []

    def on_done(task):
        if task.cancelled() or task.exception() is None or failures:
            return
        failures.append(task.exception())
        made[0].cancel()

    def factory(loop, coro, **kwargs):
        task = inner(loop, coro, **kwargs) if inner else asyncio.Task(coro, loop=loop, **kwargs)
        if not made:
            made.append(task)  # the first task is main
        task.add_done_callback(on_done)
        return task

    loop.set_task_factory(factory)


def run(main):
    global _leftover
    loop = _loop_factory()
    for hook in _on_new_loop:
        hook(loop)
    failures = []
    _fail_fast(loop, failures)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(loop.create_task(main, name="main"))
    except asyncio.CancelledError:
        if failures:
            raise failures[0] from None
        raise
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        _leftover = [task.get_name() for task in pending]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()
