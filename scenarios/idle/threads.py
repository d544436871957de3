"""idle on OS threads: N threads blocked on one threading.Event, released together.

Read beside greenlet_fibers.py and gevent_hub.py; only how a task is made,
how it waits and how it is woken differ. Here each thread blocks in
Event.wait() on the event's condition; set() has the kernel wake them all.
A parked thread keeps its OS stack (reserved in full, touched in part).
The main thread, not one of the N, waits until all are blocked and looks
itself (os_threads.snapshot), so 10,000 tasks need 10,000 threads.
"""

import threading

import os_threads
from scenarios.common import Tally
from scenarios.idle import Clock

MECHANISM = "threading.Event via kernel"


def threads_needed(params):
    return params["tasks"]  # the probe looks from the main thread, which is not one of them


def idle(task, event):
    os_threads.block(event.wait)  # -> kernel; back once main has set the event
    return task


def run_all(tasks, probe):
    clock, event = Clock(probe), threading.Event()
    units = [os_threads.spawn(idle, task, event, name=f"idle-{task}") for task in range(tasks)]
    os_threads.wait_blocked(units)  # -> kernel, every new thread, which blocks; back once all wait
    clock.all_parked(tasks)
    os_threads.snapshot(probe, units)  # -> kernel, probe
    event.set()
    tally = Tally()
    for unit in units:
        tally.add(os_threads.join(unit))  # -> kernel, woken threads; back as each has ended
    return tally.as_dict()


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(run_all, params["tasks"], probe)
