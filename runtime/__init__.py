"""What the runtimes share: the wait machinery of our two schedulers (wakeups.py).

The runtimes themselves live in their own packages: fibers/ (our greenlet
scheduler, and the glue to gevent's hub), coroutines/ (our bare coroutine
scheduler, and asyncio/uvloop), os_threads/ (OS threads, the kernel schedules).
"""
