"""pingpong's floor: the same game on two bare greenlets, no scheduler at all.

Not a model: the harness's worker times this in the same process as a
scenario run (the spec's BASELINE), so `vs bare` in the table shows what our
scheduler and each runtime add on top of the switches and the game's own
arithmetic. Read beside greenlet_fibers.py: the loop bodies are the same.
"""

from greenlet import getcurrent, greenlet

from scenarios.pingpong import MASK

MAX_ROUNDS = 200_000  # enough for a stable figure, short next to the scenario


def play_ping(pong, rounds):
    counter, seen = 0, 0
    for _ in range(rounds):
        counter = pong.switch(counter)  # -> pong; back with its reply
        seen = (seen * 31 + counter) & MASK
        counter += 1
    return seen


def play_pong(ping, counter):
    seen = 0
    while True:
        seen = (seen * 31 + counter) & MASK
        counter = ping.switch(counter + 1)  # -> ping; back with its next serve


def round_trips(params, timed):
    """The floor's contract (scenarios/spec.py BASELINE): set up, play inside `with timed:`,
    return the round trips played."""
    rounds = max(1_000, min(params["rounds"], MAX_ROUNDS))
    pong = greenlet(play_pong)
    pong.switch(getcurrent(), 0)  # -> pong, which starts; back with its reply to a warm-up 0
    with timed:
        play_ping(pong, rounds)
    pong.throw()  # -> pong, which ends so it does not outlive the measurement
    return rounds
