"""generator's floor: the same items through a plain Python generator, no scheduler at all.

Not a model: the harness's worker times this in the same process after each
timed run (the spec's BASELINE), so `vs gen` in the table shows what each
model adds on top of the plainest lazy hand-over Python has: `yield` into a
`for` loop, one frame resumed per item, no task, no loop, no stack switch.
It is the stackless hand-over in its barest form — what an async generator
consumed in place (never awaiting) costs, minus the async protocol.
Read beside greenlet_fibers.py: the same items, the same Tally.
"""

from scenarios.common import Tally
from scenarios.generator import item

MAX_ITEMS = 200_000  # enough for a stable figure, short next to the scenario


def produce(items):
    for index in range(items):
        yield item(index)  # -> the consumer's for; back when it wants the next


def items_handed_over(params, timed):
    """The floor's contract (scenarios/spec.py BASELINE): hand the items over inside `with timed:`,
    return how many."""
    items = max(1_000, min(params["items"], MAX_ITEMS))
    tally = Tally()
    with timed:
        for value in produce(items):  # -> producer; back with the next item
            tally.add(value)
    if tally.count != items:
        raise RuntimeError(f"plain generator floor tallied {tally.count} of {items} items")
    return items
