"""Probe-free USS slope of idle tasks: `python crosscheck/idle_uss.py MODEL` (greenlet, gevent, asyncio, uvloop, threads).

No harness, no probe: N tasks parked on one shared event; bytes per task =
USS growth from 500 to 2,500 parked tasks, read while they all wait. Each
task is a function of scenarios/idle's shape: idle(task, event) waits, then
returns its id.
"""
import asyncio, sys, threading  # noqa: E401
import psutil

SMALL, LARGE, MODEL = 500, 2500, sys.argv[1] if len(sys.argv) > 1 else "asyncio"
uss = lambda: psutil.Process().memory_full_info().uss  # noqa: E731


def grow_all(spawn, settle):
    """spawn() one parked task; settle() lets new tasks reach their wait. USS slope per task."""
    readings = []
    for count in (SMALL, LARGE):
        for _ in range(count - (SMALL if readings else 0)):
            spawn()
        settle()
        readings.append(uss())
    return (readings[1] - readings[0]) / (LARGE - SMALL)


def asyncio_slope(loop_factory):
    loop = loop_factory()
    event, tasks = asyncio.Event(), []
    async def idle(task, event):
        await event.wait()  # -> loop; parked until set
        return task
    slope = grow_all(lambda: tasks.append(loop.create_task(idle(len(tasks), event))),
                     lambda: loop.run_until_complete(asyncio.sleep(0)))
    event.set()
    loop.run_until_complete(asyncio.gather(*tasks))
    return slope


if MODEL in ("asyncio", "uvloop"):
    factory = asyncio.new_event_loop if MODEL == "asyncio" else __import__("uvloop").new_event_loop
    asyncio.set_event_loop(loop := factory())
    slope = asyncio_slope(lambda: loop)
elif MODEL == "greenlet":
    import greenlet
    waiters, main = [], greenlet.getcurrent()
    def idle(task, event):  # noqa: E306
        event.append(greenlet.getcurrent())
        main.switch()  # -> main; parked until the process ends
        return task
    slope = grow_all(lambda: greenlet.greenlet(idle).switch(len(waiters), waiters), lambda: None)
elif MODEL == "gevent":
    import gevent, gevent.event  # noqa: E401
    event, units = gevent.event.Event(), []
    def idle(task, event):  # noqa: E306
        event.wait()  # -> hub; parked until set
        return task
    slope = grow_all(lambda: units.append(gevent.spawn(idle, len(units), event)), lambda: gevent.sleep(0))
    event.set()
    gevent.sleep(0)
else:
    event, units = threading.Event(), []
    def idle(task, event):  # noqa: E306
        event.wait()  # -> kernel; parked until set
        return task
    slope = grow_all(lambda: units.append(threading.Thread(target=idle, args=(len(units), event), daemon=True))
                     or units[-1].start(), lambda: None)
    event.set()
print(f"{MODEL}: {slope / 1e3:.2f} kB per idle task (probe-free USS slope)")
