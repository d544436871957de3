"""spawn on OS threads: every node is a thread; a parent joins its children in order.

Read beside greenlet_fibers.py and gevent_hub.py; only how a task is made and
waited for differs. Here spawn() asks the kernel for a thread (clone, an OS
stack mapped, a thread state) and join() waits on the child's end. The kernel
runs threads in no fixed order, so a leaf could run before the tree is
complete; every leaf therefore waits until the whole tree has started
(Tree.built), which is what FIFO run queues give the other models for free:
the probe then looks at the peak, every thread alive. Beyond 1,000 leaves the
tree needs more threads than os_threads.THREAD_LIMIT, and the run is refused.
"""

import itertools
import threading

import os_threads
from scenarios.spawn import FANOUT, Watch, child_range, tasks

MECHANISM = "OS thread join"  # how control moves (the table's mechanism column)


def threads_needed(params):
    return tasks(params["leaves"]) + 1  # every node of the tree, and the probe's own


class Tree:
    """Counts the nodes that have started; `built` is set when the last one has."""

    def __init__(self, leaves):
        self.nodes = tasks(leaves)
        self.started = itertools.count(1)  # next() is one C call: atomic under the GIL
        self.built = threading.Event()

    def one_more(self):
        if next(self.started) == self.nodes:
            self.built.set()


def node(base, size, leaves, watch, tree):
    tree.one_more()
    if watch:
        watch.path.append(os_threads.current())
    if size == 1:
        os_threads.block(tree.built.wait)  # -> kernel; back when every node has started
        if watch:
            watch.at_first_leaf(leaves)
            os_threads.snapshot(watch.probe, watch.path)  # -> kernel, probe
        return base
    children = [
        os_threads.spawn(node, *child_range(base, size, child), leaves,
                         watch if child == 0 else None, tree, name="node")
        for child in range(FANOUT)
    ]
    return sum(os_threads.join(child) for child in children)  # -> kernel; back as each child ends


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    leaves = params["leaves"]
    return {"sum": os_threads.run(node, 0, leaves, leaves, Watch(probe), Tree(leaves))}
