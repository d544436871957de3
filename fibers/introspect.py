"""What a suspended fiber holds: its Python frames and its saved C stack.

Used by the probe for the greenlet and gevent models (a gevent greenlet is a
greenlet). A fiber holds two stacks' worth of state of its own:
- a slice of the C stack, which greenlet copies to the heap (`_stack_saved`)
  lazily, only when another greenlet needs that stack region. How much is
  copied therefore depends on where the fiber started and what ran since;
  the schedulers start every probe from their loop (fibers.run_now, gevent's
  hub), so when the probe reads it every unit's slice has been copied whole;
- on CPython 3.11+, its Python frames, which live in data-stack chunks that
  the greenlet owns (saved and restored with it on every switch), not in
  objects. frame_bytes() gives each one's size; walking gr_frame and
  f_back materialises a frame object per frame, which is why the probe reads
  memory before it calls describe().
Neither part is the whole: the USS slope (memory.bytes_per_task) is.
"""

from runtime.frames import FRAME_OBJECT_HEADER, frame_bytes

__all__ = ["FRAME_OBJECT_HEADER", "describe", "frame_bytes", "python_frames"]


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
    frames = python_frames(fiber)
    return {
        "frames": len(frames),
        "c_stack_bytes": fiber._stack_saved,  # the C stack copied to the heap
        "frame_bytes": sum(frame_bytes(frame) for frame in frames),  # its frames, on its own data-stack chunks
    }
