"""The OS-threads side: a thread per unit, the kernel as the scheduler.

A package beside fibers/ and coroutines/, because it is neither: a third
family. Start with kernel.py (the runtime: block(), the one place a thread
waits, and the probe's gate), then io.py (the blocking sockets a threads.py
scenario file uses).
"""

from os_threads.kernel import (
    RUNTIME,
    THREAD_LIMIT,
    Socket,
    block,
    create,
    current,
    current_frames,
    join,
    refusal,
    require_threads,
    run,
    sleep,
    snapshot,
    spawn,
    stack_reserved_bytes,
    wait_blocked,
)

__all__ = [
    "RUNTIME",
    "THREAD_LIMIT",
    "Socket",
    "block",
    "create",
    "current",
    "current_frames",
    "join",
    "refusal",
    "require_threads",
    "run",
    "sleep",
    "snapshot",
    "spawn",
    "stack_reserved_bytes",
    "wait_blocked",
]
