"""What a suspended fiber holds: its Python frames and its saved C stack.

Used by the probe for the greenlet and gevent models (a gevent greenlet is a
greenlet). greenlet copies a suspended greenlet's slice of the C stack to the
heap lazily, only when another greenlet needs that stack region, so
`_stack_saved` is meaningful only after other fibers have run — the probe
runs in a fiber of its own, which is after.
"""


def python_frames(fiber):
    """The Python frames on a suspended fiber's stack, innermost first."""
    frames = []
    frame = fiber.gr_frame
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return frames


def describe(fiber):
    """Stack picture of one suspended fiber, in the probe's vocabulary."""
    return {
        "frames": len(python_frames(fiber)),
        "c_stack_bytes": fiber._stack_saved,
        "frame_bytes": None,  # a fiber's frames live on its thread's data stack, not in objects
    }
