"""Test-only model: cancel on greenlet fibers, except that level SKIPPED of every chain
has no finally, so its cleanup never runs (see tests/fake_models_cancel.py)."""

from scenarios.cancel import greenlet_fibers as real

SKIPPED = 2
_with_finally = real.descend


def descend(level, depth, link):
    if level != SKIPPED:
        return _with_finally(level, depth, link)
    return descend(level + 1, depth, link) if level < depth else real.bottom(link)  # no finally at this level


real.descend = descend  # the real chain() and descend() look the name up in their module
run = real.run
