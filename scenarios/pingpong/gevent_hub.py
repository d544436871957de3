"""pingpong on the gevent hub: each hand-over goes through a rendezvous channel.

Read beside greenlet_fibers.py and asyncio_tasks.py; only how the counter is
handed over differs. Here put() blocks until the partner's get() takes the
counter, and every wake-up is a callback the hub runs: a round trip passes
through the hub rather than switching straight to the partner.
"""

from gevent.queue import Channel

from fibers import gevent_glue
from scenarios.pingpong import MASK, first_serve, game, snapshot_round

MECHANISM = "channel via hub"  # how control moves (the table's mechanism column)


class Court:
    """Where one pair plays: a rendezvous channel each way."""

    def __init__(self):
        self.to_ping, self.to_pong = Channel(), Channel()
        self.ping = self.pong = None  # its two greenlets, made before play starts


def play_ping(court, rounds, pair, probe, players):
    seen = 0
    court.to_pong.put(first_serve(pair))  # -> hub; back once pong has taken it
    counter = court.to_ping.get()  # -> hub; back with pong's reply
    gevent_glue.yield_()  # -> hub, other players; back once every pair has started
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            gevent_glue.snapshot(probe, players)  # -> hub, probe
        court.to_pong.put(counter + 1)  # -> hub; back once pong has taken it
        counter = court.to_ping.get()  # -> hub; back with pong's reply
    return counter, (seen * 31 + counter) & MASK


def play_pong(court, rounds):
    seen = 0
    counter = court.to_pong.get()  # -> hub; back with ping's first serve
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        court.to_ping.put(counter + 1)  # -> hub; back once ping has taken it
        counter = court.to_pong.get()  # -> hub; back with ping's next serve
    court.to_ping.put(counter + 1)  # -> hub; back once ping has taken the last reply
    return (seen * 31 + counter) & MASK


def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = gevent_glue.spawn(play_pong, court, rounds, name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        probing = probe if pair == 0 else None
        name = f"ping-{pair}"
        court.ping = gevent_glue.spawn(play_ping, court, rounds, pair, probing, players, name=name)
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = court.ping.get()  # -> hub, players; back when this ping ends
        pong_seen = court.pong.get()  # -> hub, pong if still ending; back with its checksum
        games.append(game(pair, last_reply, ping_seen, pong_seen))
    return games


def run(params, probe):
    return gevent_glue.run(play_all, params["rounds"], params["pairs"], probe)
