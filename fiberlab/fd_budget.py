"""The file-descriptor budget: will a run fit under the open-file limit?

A spec that opens many descriptors defines `fds_needed(params)`: what its
busiest process holds. If it also has a bool parameter `split` (its load side
runs in a process of its own), the harness turns split on when one process
cannot hold the run and the user did not say split=false; a run that does not
fit even split is refused before anything starts. Without the check, such a
run would fail midway (a hang: clients waiting on a server that cannot accept).
"""

import resource

SPLIT = "split"  # the bool parameter that moves the load side into a process of its own


class DoesNotFit(Exception):
    """The run cannot fit under the limit; the message is the one line we print."""


def fd_limit():
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def fits(spec, params, limit=None):
    """True when the spec has no fd hook or its busiest process fits under the soft limit."""
    if spec.fds_needed is None:
        return True
    return spec.fds_needed(params) <= (fd_limit() if limit is None else limit)


def one_layout(points):
    """A sweep's points (param dicts), all split if any of them is: points run in one
    process and points with the load side in a second process (on the second core)
    are not the same measurement, so one line or slope must never join them.
    Splitting a point only lowers what its busiest process holds, so it still fits."""
    if any(point.get(SPLIT) for point in points):
        return [dict(point, **{SPLIT: True}) for point in points]
    return points


def fit(spec, params, split_given):
    """(params, note): params that fit, with split=true chosen when that is what
    it takes, and a one-line note saying so (else None). split_given: the user
    set split themselves, so it is not ours to change. Raises DoesNotFit."""
    if fits(spec, params):
        return params, None
    limit, needed = fd_limit(), spec.fds_needed(params)
    split = dict(params, **{SPLIT: True})
    split_fits = SPLIT in params and not params[SPLIT] and fits(spec, split, limit)
    if split_fits and not split_given:
        return split, (f"{needed:,} file descriptors in one process exceed the limit of {limit:,}: "
                       f"split=true chosen (the load side runs in a process of its own)")
    hint = "; split=true would put the load side in a process of its own" if split_fits else ""
    raise DoesNotFit(f"this run needs {needed:,} file descriptors in one process, "
                     f"the open-file limit is {limit:,}{hint}")
