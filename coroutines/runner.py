"""Runs a scenario's main coroutine on the chosen event loop.

The loop is chosen by the worker before the scenario runs (`use_loop`), so a
model such as uvloop is a runner option, not a new scenario file. Tasks still
pending when main returns are recorded for the hygiene check, then cancelled,
so no "Task was destroyed but it is pending" noise follows.
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


def run(main):
    global _leftover
    loop = _loop_factory()
    for hook in _on_new_loop:
        hook(loop)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(loop.create_task(main, name="main"))
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        _leftover = [task.get_name() for task in pending]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()
