"""Where the lab's text and JSON go, so that printing can never cost a measurement.

Contract:
- protect_streams() runs first in every entry point: a closed fd 0/1/2 is
  reopened on /dev/null (so no file we open later lands on fd 2), and stdout
  and stderr replace what their encoding cannot show instead of raising.
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

import json
import os
import re
import stat
import sys
import tempfile

_silenced = []  # set once stdout has been found closed
FD_ALIAS = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
STD_ALIAS = {"-": 1, "/dev/stdout": 1, "/dev/stderr": 2}  # "-" is stdout, as for most tools


class BadTarget(ValueError):
    """A --json path that cannot be written as promised; the message is one line."""


class WriteFailed(OSError):
    """Writing the JSON failed after the run; the message is one line."""


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


def _silence_stdout():
    """stdout's reader is gone: send the rest to /dev/null, so neither we nor the
    interpreter's final flush trip over it again."""
    _silenced.append(True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def emit(text):
    """print(text) to stdout, flushed; a closed stdout makes it (and every later call) silent."""
    if _silenced:
        return
    try:
        print(text, flush=True)
    except (BrokenPipeError, ValueError, OSError):
        _silence_stdout()


def say(text):
    """One line to stderr; a stderr nobody reads is not an error."""
    try:
        print(text, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


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
    real = os.path.realpath(path)  # a symlink's target, so the link itself is never replaced
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
                with open(where, "w") as handle:
                    _dump(data, handle)
        except OSError as exc:
            raise WriteFailed(f"could not write the JSON to {where}: {exc.strerror or exc}") from None
        return
    try:
        replace_atomically(where, lambda tmp: _write_file(tmp, data))
    except OSError as exc:
        raise WriteFailed(f"could not write the JSON to {where}: {exc.strerror or exc}") from None


def _write_file(path, data):
    with open(path, "w") as handle:
        _dump(data, handle)
        os.fsync(handle.fileno())


def replace_atomically(where, write):
    """Call write(tmp) on a new temporary file in WHERE's folder, then rename it over WHERE.
    The temporary name is short whatever WHERE's is (a 250-character name plus a suffix would
    pass the file system's 255 limit); interrupted or failed, WHERE is untouched and tmp gone."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(where) or ".", prefix=".fiberlab-", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, where)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
