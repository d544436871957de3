"""idle on bare coroutines: N tasks parked on one bare.Event, released together.

Read beside greenlet_fibers.py (the same scheduler design, with stacks) and
asyncio_tasks.py. Here Event.wait() traps to our loop, which leaves the task
on the event's waiter list; set() queues every waiter on our run queue.
"""

from coroutines import bare
from scenarios.common import Tally
from scenarios.idle import Clock

MECHANISM = "event via our run queue"


async def idle(task, event):
    await event.wait()  # -> next task; back once main has set the event
    return task


async def run_all(tasks, probe):
    clock, event = Clock(probe), bare.Event()
    units = [bare.spawn(idle, task, event, name=f"idle-{task}") for task in range(tasks)]
    await bare.yield_()  # -> every new task, which parks; back once all wait
    clock.all_parked(tasks)
    await bare.snapshot(probe, units)  # -> probe
    event.set()
    tally = Tally()
    for unit in units:
        tally.add(await bare.join(unit))  # -> woken tasks; back as each has ended
    return tally.as_dict()


def run(params, probe):
    return bare.run(run_all, params["tasks"], probe)
