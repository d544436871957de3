"""pingpong on greenlet fibers: each hand-over is one direct switch.

Read beside gevent_hub.py and asyncio_tasks.py; only how the counter is handed
over differs. Here a player calls switch_to(partner, counter): one greenlet
switch, no queue, no scheduler pass in between.
"""

import fibers
from scenarios.pingpong import MASK, first_serve, game, snapshot_round


class Court:
    """Where one pair plays: the two fibers, filled in before play starts."""

    ping = pong = None


def play_ping(court, rounds, pair, probe, players):
    fibers.yield_()  # -> other players; back once every one has taken its place
    counter, seen = first_serve(pair), 0
    for round_ in range(rounds):
        counter = fibers.switch_to(court.pong, counter)  # -> pong; back with its reply
        seen = (seen * 31 + counter) & MASK
        counter += 1
        if probe and round_ == snapshot_round(rounds):
            fibers.snapshot(probe, players)
    return counter - 1, seen


def play_pong(court, rounds):
    counter, seen = fibers.park(), 0  # -> scheduler; back with ping's first serve
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        counter = fibers.switch_to(court.ping, counter + 1)  # -> ping; back with its next serve
    seen = (seen * 31 + counter) & MASK
    fibers.ready(court.ping, counter + 1)  # the last reply: ping resumes once pong has ended
    return seen


def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = fibers.spawn(play_pong, court, rounds, name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        pair_probe = probe if pair == 0 else None
        court.ping = fibers.spawn(play_ping, court, rounds, pair, pair_probe, players, name=f"ping-{pair}")
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = fibers.join(court.ping)  # -> players; back when this ping ends
        games.append(game(pair, last_reply, ping_seen, fibers.join(court.pong)))
    return games


def run(params, probe):
    return fibers.run(play_all, params["rounds"], params["pairs"], probe)
