"""pingpong on the tiny generator runtime (tests/tiny_runtime.py): the one scenario file of that model.

Read beside scenarios/pingpong/coroutines_bare.py: the same game, handed over
with the contract's park() and ready() instead of a direct switch_to.
"""

from scenarios.pingpong import MASK, first_serve, game, snapshot_round
from tests.tiny_runtime import RUNTIME as tiny

MECHANISM = "generator park and ready"


class Court:
    ping = pong = None


def play_ping(court, rounds, pair, probe, players):
    seen = 0
    tiny.ready(court.pong, first_serve(pair))
    counter = yield from tiny.park()  # -> loop, pong; back with its reply
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            yield from tiny.snapshot(probe, players)  # -> loop, probe; back once it has looked
        tiny.ready(court.pong, counter + 1)
        counter = yield from tiny.park()  # -> loop, pong; back with its reply
    return counter, (seen * 31 + counter) & MASK


def play_pong(court, rounds):
    counter, seen = (yield from tiny.park()), 0  # -> loop; back with ping's first serve
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        tiny.ready(court.ping, counter + 1)
        counter = yield from tiny.park()  # -> loop, ping; back with its next serve
    tiny.ready(court.ping, counter + 1)  # the last reply: ping resumes once pong has ended
    return (seen * 31 + counter) & MASK


def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = tiny.spawn(play_pong, court, rounds, name=f"pong-{pair}")  # runs first: parks for the serve
        players.append(court.pong)
    for pair, court in enumerate(courts):
        court.ping = tiny.spawn(play_ping, court, rounds, pair, probe if pair == 0 else None, players, name=f"ping-{pair}")
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = yield from tiny.join(court.ping)  # -> loop, players; back when this ping ends
        games.append(game(pair, last_reply, ping_seen, (yield from tiny.join(court.pong))))
    return games


def run(params, probe):
    return tiny.run(play_all, params["rounds"], params["pairs"], probe)
