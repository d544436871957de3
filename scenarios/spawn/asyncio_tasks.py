"""spawn on asyncio: every node is an asyncio Task; a parent awaits its children in order.

Read beside greenlet_fibers.py and gevent_hub.py; only how a task is made and
waited for differs. Here create_task() wraps the node's coroutine in a Task
and schedules its first step with call_soon; awaiting a child parks the
parent's coroutine on the child task until its done callback wakes it. A
suspended inner node keeps its coroutine object (its frame inside), no stack.
"""

import asyncio

import coroutines
from scenarios.spawn import FANOUT, Watch, child_range

MECHANISM = "done callback via loop"  # how control moves (the table's mechanism column)


async def node(base, size, leaves, watch):
    if watch:
        watch.path.append(asyncio.current_task())
    if size == 1:
        if watch:
            watch.at_first_leaf(leaves)
            await coroutines.snapshot(watch.probe, watch.path)  # -> loop, probe
        return base
    children = [
        asyncio.create_task(node(*child_range(base, size, child), leaves,
                                 watch if child == 0 else None))
        for child in range(FANOUT)
    ]
    return sum([await child for child in children])  # -> loop, other nodes; back as each child ends


def run(params, probe):
    return {"sum": coroutines.run(node(0, params["leaves"], params["leaves"], Watch(probe)))}
