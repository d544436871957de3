"""idle on asyncio: N tasks parked on one asyncio.Event, released together.

Read beside greenlet_fibers.py and gevent_hub.py; only how a task is made,
how it waits and how it is woken differ. Here Event.wait() awaits a future
the event keeps; set() resolves every future, and the loop resumes each task.
A parked task is its coroutine object (its frame inside) and its Task.
"""

import asyncio

import coroutines
from scenarios.common import Tally
from scenarios.idle import Clock

MECHANISM = "asyncio.Event via loop"


async def idle(task, event):
    await event.wait()  # -> loop; back once main has set the event
    return task


async def run_all(tasks, probe):
    clock, event = Clock(probe), asyncio.Event()
    units = [asyncio.create_task(idle(task, event), name=f"idle-{task}") for task in range(tasks)]
    await asyncio.sleep(0)  # -> loop, every new task, which parks; back once all wait
    clock.all_parked(tasks)
    await coroutines.snapshot(probe, units)  # -> loop, probe
    event.set()
    tally = Tally()
    for unit in units:
        tally.add(await unit)  # -> loop, woken tasks; back as each has ended
    return tally.as_dict()


def run(params, probe):
    return coroutines.run(run_all(params["tasks"], probe))
