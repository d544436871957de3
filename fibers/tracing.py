"""Instrumenting greenlets: every switch, seen through greenlet.settrace.

Shared by both greenlet runtimes (our scheduler and gevent's hub): greenlet
reports every switch between greenlets, whoever makes it, to one process-wide
trace function, and this module turns each into Instrument.switched(origin,
target) with the names the trace and the timelines print. A unit that has
just ended switches out dead: that is Instrument.finished. For a runtime that
cannot see every unit made (gevent.spawn bypasses ours), a unit first switched
to is Instrument.created, told just before that first switch.
"""

import weakref

import greenlet


def unit_name(unit):
    """A greenlet's name in a trace: its own, else the lane it is."""
    name = getattr(unit, "name", None)
    if isinstance(name, str) and name:
        return name
    if unit.parent is None:
        return "root"  # the process's first greenlet: our scheduler loop, or gevent's caller
    return type(unit).__name__.lower()  # gevent's Hub -> "hub"


def report_switches(instruments, tell_finished=False, created_kind=None):
    """Install the one trace function, reporting to `instruments` (a list the caller
    may grow later); None takes it out. tell_finished: also report a unit that
    switches out dead (for a runtime that does not report its ends itself).
    created_kind: a greenlet class; an instance of it switched to for the first
    time is reported as created first (for a runtime that does not see every
    unit made: gevent's)."""
    if instruments is None:
        greenlet.settrace(None)
        return
    seen = weakref.WeakSet()  # units of created_kind already reported as created

    def on_switch(event, args):
        if event in ("switch", "throw"):
            origin, target = args
            origin_name, target_name = unit_name(origin), unit_name(target)
            if created_kind is not None and isinstance(target, created_kind) and target not in seen:
                seen.add(target)
                for instrument in instruments:
                    instrument.created(target_name)
            for instrument in instruments:
                instrument.switched(origin_name, target_name)
            if tell_finished and origin.dead:
                for instrument in instruments:
                    instrument.finished(origin_name)

    greenlet.settrace(on_switch)
