"""The probe never lets a garbage collection run inside sys._current_frames (CPython gh-106883).

That call holds the runtime's lock on the list of thread states; a collection inside it
runs Python code (weakref callbacks), which can hand the GIL to a thread that is starting
or ending, and that thread then waits for the same lock while holding the GIL: the probe
and every thread hang for ever. The hang itself needs an unlucky switch at that instant
(it hung spawn and pingpong runs under load, rarely); what makes it possible is a
collection during the call, and that this test catches on every look, without waiting
for the unlucky switch."""

import gc
import linecache
import sys
import threading
import weakref

import os_threads
from fiberlab.probe import Probe

LOOKS = 30


class Cycle:
    """Garbage only the collector frees, with a weakref callback (Python code) that runs when it does."""

    def __init__(self, alive):
        self.me = self
        alive.add(self)


def collections_inside_current_frames(looks):
    """How many collections started while the probe was inside sys._current_frames,
    over `looks` snapshots taken while other threads start and end."""
    inside, alive = [], weakref.WeakSet()

    def at_collection(phase, _info):
        caller = sys._getframe(1)  # the Python frame running when the collection began
        if phase == "start" and "_current_frames" in linecache.getline(caller.f_code.co_filename, caller.f_lineno):
            inside.append(caller.f_code.co_name)

    old_threshold = gc.get_threshold()
    gc.set_threshold(1)  # a collection is due at every allocation: one falls inside the call unless it is held off
    gc.callbacks.append(at_collection)
    try:
        for _ in range(looks):
            passer = os_threads.spawn(lambda: None, name="passer")  # a thread state made and deleted meanwhile
            for _ in range(20):
                Cycle(alive)
            os_threads.snapshot(Probe(os_threads.kernel.describe, read_memory=False), [os_threads.current()])
            os_threads.join(passer)
    finally:
        gc.callbacks.remove(at_collection)
        gc.set_threshold(*old_threshold)
    return inside


def test_no_collection_runs_while_the_probe_takes_every_threads_frame():
    assert collections_inside_current_frames(LOOKS) == []


def test_the_collector_is_left_as_it_was_found():
    was = gc.isenabled()
    try:
        gc.disable()
        os_threads.current_frames()
        assert not gc.isenabled()
        gc.enable()
        os_threads.current_frames()
        assert gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_the_frames_taken_are_every_live_threads():
    stop = threading.Event()
    waiter = os_threads.spawn(os_threads.block, stop.wait, name="waiter")
    try:
        frames = os_threads.current_frames()
        assert threading.main_thread().ident in frames and waiter.ident in frames
    finally:
        stop.set()
        os_threads.join(waiter)
