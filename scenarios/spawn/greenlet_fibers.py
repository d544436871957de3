"""spawn on greenlet fibers: every node is a fiber; a parent joins its children in order.

Read beside gevent_hub.py and asyncio_tasks.py; only how a task is made and
waited for differs. Here spawn() makes a greenlet and queues it; join() parks
the parent in the child's joiner list until the child has ended. A suspended
inner node keeps its slice of the C stack, copied to the heap by greenlet,
and (CPython 3.11+) its Python frames, in data-stack chunks the fiber owns.
"""

import fibers
from scenarios.spawn import FANOUT, Watch, child_range

MECHANISM = "join via run queue"  # how control moves (the table's mechanism column)


def node(base, size, leaves, watch):
    if watch:
        watch.path.append(fibers.current())
    if size == 1:
        if watch:
            watch.at_first_leaf(leaves)
            fibers.snapshot(watch.probe, watch.path)  # -> probe
        return base
    children = [
        fibers.spawn(node, *child_range(base, size, child), leaves, watch if child == 0 else None)
        for child in range(FANOUT)
    ]
    return sum(fibers.join(child) for child in children)  # -> other nodes; back as each child ends


def run(params, probe):
    return {"sum": fibers.run(node, 0, params["leaves"], params["leaves"], Watch(probe))}
