"""What one Python frame occupies where it lives: shared by the probes of fibers and threads.

sys.getsizeof(frame) counts the frame *object* too; on 3.11+ a suspended fiber's
or thread's frame is a slot on a data stack, and the object exists only because
the probe walked gr_frame/f_back. On 3.11 and 3.12 that object's own header
(PyObject_HEAD, f_back, f_frame, f_trace, f_lineno and flags) is 48 bytes;
elsewhere (3.10: frames are heap objects anyway; 3.13+: a layout not checked)
nothing is taken off, so there the figure may overstate by that header.
"""

import sys

FRAME_OBJECT_HEADER = 48 if (3, 11) <= sys.version_info[:2] <= (3, 12) else 0


def frame_bytes(frame):
    """Bytes one Python frame occupies where it lives (a data-stack slot on 3.11+)."""
    return sys.getsizeof(frame) - FRAME_OBJECT_HEADER
