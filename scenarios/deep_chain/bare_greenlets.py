"""deep_chain's floor: one bare greenlet suspending at the bottom of the same chain, no scheduler.

Not a model: the harness's worker times this in the same process after each
timed run (the spec's BASELINE), so `vs bare` in the table shows what each
model adds on top of a greenlet switch made from `depth` plain frames down:
the exchange the scenario counts as one op, with the same arithmetic at the
bottom and in the driver, and the levels called the same way (via=c: through
map's C frames, which greenlet then copies on every switch too).
Read beside greenlet_fibers.py: the same levels.
"""

from greenlet import getcurrent, greenlet

from scenarios.deep_chain import MASK, climb, offer

MAX_EXCHANGES = 200_000  # enough for a stable figure, short next to the scenario


def descend(level, depth, driver, via_c):
    if level == depth:
        inner = bottom(driver)
    elif via_c:  # map's C __next__ calls the next level, as in the model files with via=c
        inner = next(map(descend, (level + 1,), (depth,), (driver,), (via_c,)))
    else:
        inner = descend(level + 1, depth, driver, via_c)
    return climb(level, inner)


def bottom(driver):
    value = driver.switch()  # -> driver, chain built; back with its first offer
    seen = value & MASK  # (0 * 31 + value) & MASK: the fold of the first offer
    while True:
        value = driver.switch(seen)  # -> driver; back with its next offer
        seen = (seen * 31 + value) & MASK


def exchanges(params, timed):
    """The floor's contract (scenarios/spec.py BASELINE): build the chain, exchange inside
    `with timed:` (building and unwinding left out), return the exchanges made."""
    count = max(1_000, min(params["suspensions"] * params["tasks"], MAX_EXCHANGES))
    chain = greenlet(descend)
    via_c = params.get("via") == "c"
    chain.switch(1, params["depth"], getcurrent(), via_c)  # -> chain; back once its bottom waits
    driver_seen = 0
    with timed:
        for index in range(count):
            seen = chain.switch(offer(0, index))  # -> chain's bottom; back with its reply
            driver_seen = (driver_seen * 31 + seen) & MASK
    chain.throw()  # -> chain, which unwinds so it does not outlive the measurement
    return count
