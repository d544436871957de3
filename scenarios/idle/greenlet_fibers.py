"""idle on greenlet fibers: N fibers parked on one fibers.Event, released together.

Read beside gevent_hub.py and asyncio_tasks.py; only how a task is made, how
it waits and how it is woken differ. Here Event.wait() puts the fiber on the
event's waiter list and switches away; set() queues every waiter on our run
queue. A parked fiber keeps its C-stack slice (copied to the heap) and its
Python frames (in data-stack chunks of its own).
"""

import fibers
from scenarios.common import Tally
from scenarios.idle import Clock

MECHANISM = "event via our run queue"


def idle(task, event):
    event.wait()  # -> next fiber; back once main has set the event
    return task


def run_all(tasks, probe):
    clock, event = Clock(probe), fibers.Event()
    units = [fibers.spawn(idle, task, event, name=f"idle-{task}") for task in range(tasks)]
    fibers.yield_()  # -> every new fiber, which parks; back once all wait
    clock.all_parked(tasks)
    fibers.snapshot(probe, units)  # -> probe
    event.set()
    tally = Tally()
    for unit in units:
        tally.add(fibers.join(unit))  # -> woken fibers; back as each has ended
    return tally.as_dict()


def run(params, probe):
    return fibers.run(run_all, params["tasks"], probe)
