"""The threads' I/O layer, as fibers/io.py is our fibers': what a threads.py scenario file imports for sockets.

Socket is os_threads.Socket, a plain blocking socket whose blocking calls go
through os_threads.block(): the thread sleeps in the system call and the
kernel wakes it. receive_exactly() (runtime/io.py) reads a whole message;
Event is threading.Event (a thread waits on it through os_threads.block()).
"""

from threading import Event

from os_threads import Socket
from runtime.io import receive_exactly

__all__ = ["Event", "Socket", "receive_exactly"]
