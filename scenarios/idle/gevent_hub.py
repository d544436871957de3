"""idle on the gevent hub: N greenlets parked on one gevent.event.Event, released together.

Read beside greenlet_fibers.py and asyncio_tasks.py; only how a task is made,
how it waits and how it is woken differ. Here Event.wait() links the greenlet
to the event and switches to the hub; set() has the hub wake every waiter.
"""

from gevent.event import Event

from fibers import gevent_glue
from scenarios.common import Tally
from scenarios.idle import Clock

MECHANISM = "gevent Event via hub"


def idle(task, event):
    event.wait()  # -> hub; back once main has set the event
    return task


def run_all(tasks, probe):
    clock, event = Clock(probe), Event()
    units = [gevent_glue.spawn(idle, task, event, name=f"idle-{task}") for task in range(tasks)]
    gevent_glue.yield_()  # -> hub, every new greenlet, which parks; back once all wait
    clock.all_parked(tasks)
    gevent_glue.snapshot(probe, units)  # -> hub, probe
    event.set()
    tally = Tally()
    for unit in units:
        tally.add(unit.get())  # -> hub, woken greenlets; back as each has ended
    return tally.as_dict()


def run(params, probe):
    return gevent_glue.run(run_all, params["tasks"], probe)
