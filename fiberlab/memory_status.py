"""The process's own resident memory, from /proc/self/status (Linux).

VmHWM is this process's peak resident set since exec; getrusage's ru_maxrss
is not: on Linux it carries the parent's high-water mark across fork+exec,
so a worker started by a harness holding 300 MiB would report 300 MiB.
Where /proc is missing (not Linux), both functions return None.
"""

STATUS = "/proc/self/status"


def _field_bytes(name):
    try:
        with open(STATUS) as handle:
            for line in handle:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024  # the kernel writes kB (KiB)
    except OSError:
        return None
    return None


def rss():
    """Resident set size now (VmRSS), in bytes."""
    return _field_bytes("VmRSS")


def peak_rss():
    """This process's own peak resident set since it started (VmHWM), in bytes."""
    return _field_bytes("VmHWM")


def reset_peak():
    """Set VmHWM back to the current RSS (Linux 4.0+: "5" to /proc/self/clear_refs);
    False if this kernel or sandbox does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        return False
    return True
