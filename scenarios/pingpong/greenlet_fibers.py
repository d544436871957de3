"""pingpong on greenlet fibers: each hand-over is one direct switch.

Read beside gevent_hub.py and asyncio_tasks.py; only how the counter is handed
over differs. Here a player calls switch_to(partner, counter): one greenlet
switch, no queue, no scheduler pass in between. Ping's first serve starts pong
(fibers.create), so pong's stack nests in ping's, as with bare greenlets.
"""

import fibers
from scenarios.pingpong import MASK, first_serve, game, snapshot_round

MECHANISM = "direct switch"  # how control moves (the table's mechanism column)


class Court:
    """Where one pair plays: the two fibers, filled in before play starts."""

    ping = pong = None


def play_ping(court, rounds, pair, probe, players):
    pong, seen = court.pong, 0
    counter = fibers.switch_to(pong, first_serve(pair))  # -> pong, which starts, then back
    fibers.yield_()  # -> other players; back once every pair has started
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            fibers.snapshot(probe, players)  # -> probe
        counter = fibers.switch_to(pong, counter + 1)  # -> pong; back with its reply
    return counter, (seen * 31 + counter) & MASK


def play_pong(court, rounds, counter):
    ping, seen = court.ping, 0
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        counter = fibers.switch_to(ping, counter + 1)  # -> ping; back with its next serve
    fibers.ready(ping, counter + 1)  # the last reply: ping resumes once pong has ended
    return (seen * 31 + counter) & MASK


def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = fibers.create(play_pong, court, rounds, name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        probing = probe if pair == 0 else None
        name = f"ping-{pair}"
        court.ping = fibers.spawn(play_ping, court, rounds, pair, probing, players, name=name)
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = fibers.join(court.ping)  # -> players; back when this ping ends
        pong_seen = fibers.join(court.pong)  # -> pong if still ending; back with its checksum
        games.append(game(pair, last_reply, ping_seen, pong_seen))
    return games


def run(params, probe):
    return fibers.run(play_all, params["rounds"], params["pairs"], probe)
