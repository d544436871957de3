"""spawn on the gevent hub: every node is a gevent Greenlet; a parent gets its children's values.

Read beside greenlet_fibers.py and asyncio_tasks.py; only how a task is made and
waited for differs. Here gevent.spawn() makes a Greenlet and schedules its
start as a hub callback; get() parks the parent on the hub until the child's
link callback wakes it. Nodes are not named (gevent_glue.spawn): a name per
task would be part of what the creation rate measures.
"""

import gevent

from fibers import gevent_glue
from scenarios.spawn import FANOUT, Watch, child_range

MECHANISM = "link callback via hub"  # how control moves (the table's mechanism column)


def node(base, size, leaves, watch):
    if watch:
        watch.path.append(gevent_glue.current())
    if size == 1:
        if watch:
            watch.at_first_leaf(leaves)
            gevent_glue.snapshot(watch.probe, watch.path)  # -> hub, probe
        return base
    children = [
        gevent.spawn(node, *child_range(base, size, child), leaves, watch if child == 0 else None)
        for child in range(FANOUT)
    ]
    return sum(child.get() for child in children)  # -> hub, other nodes; back as each child ends


def run(params, probe):
    return {"sum": gevent_glue.run(node, 0, params["leaves"], params["leaves"], Watch(probe))}
