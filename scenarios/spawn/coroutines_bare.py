"""spawn on bare coroutines: each node a task on our own loop, joined by its parent in order.

Read beside greenlet_fibers.py (the same scheduler design, with stacks) and
asyncio_tasks.py (the same coroutines, on a production loop). Here spawn()
wraps the node's coroutine in a small Task and queues it; join() traps to the
loop, which parks the parent in the child's joiner list until the child ends.
"""

from coroutines import bare
from scenarios.spawn import FANOUT, Watch, child_range

MECHANISM = "join via run queue"  # how control moves (the table's mechanism column)


async def node(base, size, leaves, watch):
    if watch:
        watch.path.append(bare.current())
    if size == 1:
        if watch:
            watch.at_first_leaf(leaves)
            await bare.snapshot(watch.probe, watch.path)  # -> probe
        return base
    children = [
        bare.spawn(node, *child_range(base, size, child), leaves, watch if child == 0 else None)
        for child in range(FANOUT)
    ]
    return sum([await bare.join(child) for child in children])  # -> other nodes, as each child ends


def run(params, probe):
    return {"sum": bare.run(node, 0, params["leaves"], params["leaves"], Watch(probe))}
