"""Where the lab's text and JSON go, so that printing can never cost a measurement.

Contract:
- protect_streams() runs first in every entry point: a closed fd 0/1/2 is
  reopened on /dev/null (so no file we open later lands on fd 2), stdout
  and stderr replace what their encoding cannot show instead of raising, and
  both become a GuardedStream. Everything the lab writes to them (emit, say,
  Progress, tqdm bars, warnings, print) goes through that one path: a stream
  whose reader is gone (`2>&1 >out | head -1`), that is full (`2>/dev/full`) or
  closed costs that stream and nothing else. A write never raises inside a
  library that holds a lock while writing (tqdm does), so nothing deadlocks on it.
- emit(text) prints a line to stdout; if stdout is gone (a closed pipe:
  `... | head -1`), it goes silent and the run goes on. say(text) is one line on
  stderr, and Guarded(stream) a stream for progress; a stderr that is closed or
  full drops what they write.
- json_target(path) checks a --json PATH before anything runs and says how it
  will be written; write_json(target, data) writes it:
    a new path or a regular file      replaced atomically: a temporary file in the
                                      same folder, then rename (never half-written)
    a symlink                         its target, by the rules here; the link stays
    -, /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
                                      written through that open fd (no rename: a
                                      stream has no old content to keep)
    a character device or a FIFO      written through (/dev/null, a terminal, a pipe)
    anything else (a folder, a socket, a block device), "" or a path ending in /
                                      refused up front, one line, exit 2
  A write that fails (disk full) raises WriteFailed: one line, exit 2.
"""

import errno
import fcntl
import json
import os
import re
import stat
import sys
import tempfile

FD_ALIAS = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
STD_ALIAS = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}  # "-" is stdout, as for most tools


class BadTarget(ValueError):
    """A --json path that cannot be written as promised; the message is one line."""


class WriteFailed(OSError):
    """Writing the JSON failed after the run; the message is one line."""


class GuardedStream:
    """A text stream that never raises on write or flush: the first failure
    (EPIPE, ENOSPC, a closed file) silences it for good and points its fd at
    /dev/null, so the interpreter's final flush and the children that inherit
    the fd (a compiler, make) do not trip over it either. Everything else
    (isatty, fileno, encoding, ...) is the wrapped stream's."""

    def __init__(self, stream):
        self.stream = stream
        self.broken = False

    def _fail(self):
        self.broken = True
        try:
            fd = self.stream.fileno()
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass  # no fd of its own (a test's capture): silent is enough

    def write(self, text):
        if not self.broken:
            try:
                return self.stream.write(text)
            except (OSError, ValueError):
                self._fail()
        return len(text)

    def flush(self):
        if not self.broken:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self._fail()

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def isatty(self):
        try:
            return not self.broken and self.stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name):
        return getattr(self.stream, name)


def guard(stream):
    """STREAM as a GuardedStream (itself if it already is one)."""
    return stream if isinstance(stream, GuardedStream) else GuardedStream(stream)


def protect_streams():
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
    if sys.stdout is None:
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    sys.stdout, sys.stderr = guard(sys.stdout), guard(sys.stderr)


def emit(text):
    """print(text) to stdout, flushed; a closed stdout makes it (and every later call) silent."""
    print(text, file=guard(sys.stdout), flush=True)


def say(text):
    """One line to stderr; a stderr nobody reads is not an error."""
    print(text, file=guard(sys.stderr), flush=True)


class Guarded:
    """A text stream whose writes cannot fail: a closed or full stream (EPIPE, ENOSPC, a closed
    file) drops what is written, as say() does, so progress (tqdm writes through one) never costs a run."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        try:
            return self.stream.write(text)
        except (OSError, ValueError):
            return len(text)

    def flush(self):
        try:
            self.stream.flush()
        except (OSError, ValueError):
            pass

    def isatty(self):
        try:
            return self.stream.isatty()
        except (OSError, ValueError):
            return False

    def __getattr__(self, name):  # encoding, fileno: what tqdm asks a stream for its width and charset
        return getattr(self.stream, name)


def absolute(path, option):
    """PATH as an absolute path, fixed now so that a later change of folder cannot move it;
    raises BadTarget when PATH is relative and the current folder has been deleted."""
    try:
        return os.path.abspath(path)
    except FileNotFoundError:
        raise BadTarget(f"{option} {path!r} is relative, and the current folder no longer exists; "
                        "give an absolute path") from None


def json_target(path, option="--json"):
    """("replace", real path) or ("through", fd or path) for PATH; raises BadTarget."""
    if path == "":
        raise BadTarget(f"{option} needs a file path, got ''")
    if path.endswith("/"):
        raise BadTarget(f"{option} {path!r} ends in '/', so it names a folder, not a file")
    match = FD_ALIAS.match(path)
    if path in ("/dev/stdin", "/proc/self/fd/0"):
        raise BadTarget(f"{option} {path!r} is the input, not an output")
    if path in STD_ALIAS or match:
        fd = STD_ALIAS.get(path, int(match.group(1)) if match else None)
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            raise BadTarget(f"{option} {path!r}: fd {fd} is not open") from None
        if stat.S_ISDIR(mode):
            raise BadTarget(f"{option} {path!r} is a directory, not a file")
        if fd == 0 or not os.access(f"/proc/self/fd/{fd}", os.W_OK):
            raise BadTarget(f"{option} {path!r}: fd {fd} is not open for writing")
        return ("through", fd)
    real = os.path.realpath(absolute(path, option))  # a symlink's target, so the link itself is never replaced
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise BadTarget(f"{option} {path!r}: {exc.strerror}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise BadTarget(f"{option} {path!r} is a directory, not a file")
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        if not os.access(real, os.W_OK):
            raise BadTarget(f"{option} {path!r}: not writable")
        return ("through", real)
    if mode is not None and not stat.S_ISREG(mode):
        raise BadTarget(f"{option} {path!r} is neither a regular file nor a stream (a socket or a block device?); "
                        "refused so it is not replaced")
    folder = os.path.dirname(real)
    if not os.path.isdir(folder):
        raise BadTarget(f"{option} {path!r}: no folder {folder!r}")
    # Try, rather than ask os.access: root passes every permission check, yet
    # cannot create files in /proc; the result must not be lost after the run.
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".fiberlab-check-"):
            pass
    except OSError:
        raise BadTarget(f"{option} {path!r}: cannot write in {folder!r}") from None
    return ("replace", real)


def _dump(data, handle):
    json.dump(data, handle, indent=2)
    handle.write("\n")
    handle.flush()


def write_json(target, data):
    """Write DATA as JSON where json_target() said; raises WriteFailed (one line) if the write fails.

    TARGET may also be a plain path (a caller that checked it itself)."""
    how, where = target if isinstance(target, tuple) else json_target(str(target))
    if how == "through":
        try:
            if isinstance(where, int):
                with os.fdopen(os.dup(where), "w") as handle:
                    _dump(data, handle)
            else:
                with os.fdopen(_open_stream(where), "w") as handle:
                    _dump(data, handle)
        except OSError as exc:
            why = "no process is reading that FIFO" if exc.errno == errno.ENXIO else exc.strerror or exc
            raise WriteFailed(f"could not write the JSON to {where}: {why}") from None
        return
    try:
        replace_atomically(where, lambda tmp: _write_file(tmp, data))
    except OSError as exc:
        raise WriteFailed(f"could not write the JSON to {where}: {exc.strerror or exc}") from None


def _open_stream(path):
    """An fd open for writing on a device or a FIFO. Opened without blocking, so a FIFO nobody
    reads fails at once (ENXIO) instead of holding the run, its table unprinted, until someone
    does; then blocking again, so a slow reader slows the write rather than cutting it short."""
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
    return fd


def _write_file(path, data):
    with open(path, "w") as handle:
        _dump(data, handle)
        os.fsync(handle.fileno())


def replace_atomically(where, write):
    """Call write(tmp) on a new temporary file in WHERE's folder, then rename it over WHERE.
    The temporary name is short whatever WHERE's is (a 250-character name plus a suffix would
    pass the file system's 255 limit); interrupted or failed, WHERE is untouched and tmp gone.
    A WHERE that exists and is not a regular file (a device, a pipe) raises OSError: a rename
    would put a file in its place."""
    if os.path.exists(where) and not stat.S_ISREG(os.stat(where).st_mode):
        raise OSError(errno.EINVAL, "not a regular file, so it is not replaced")
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(where) or ".", prefix=".fiberlab-", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, where)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def out_of_resources(exc):
    """Whether EXC is the process running out of memory or threads (a low `ulimit -v`),
    which the user fixes, rather than a bug to show as a traceback."""
    return isinstance(exc, MemoryError) or "can't start new thread" in str(exc)


def out_of_resources_line(exc):
    what = "memory" if isinstance(exc, MemoryError) else "room for a new thread"
    return (f"the harness itself ran out of {what} ({type(exc).__name__}: {exc or 'no message'}); "
            f"is an address-space limit (ulimit -v) too low?")
