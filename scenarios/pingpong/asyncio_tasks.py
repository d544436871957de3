"""pingpong on asyncio: each hand-over goes through a one-slot asyncio.Queue.

Read beside greenlet_fibers.py and gevent_hub.py; only how the counter is
handed over differs. Here put() fills the partner's queue (the slot is always
free, so it never suspends) and get() awaits a future that the loop resolves:
every hand-over is a trip through the event loop, and each suspension unwinds
the task's coroutine chain back to the loop and rebuilds it on resume.
"""

import asyncio

import coroutines
from scenarios.pingpong import MASK, first_serve, game, snapshot_round

MECHANISM = "queue via loop"  # how control moves (the table's mechanism column)


class Court:
    """Where one pair plays: a one-slot queue each way."""

    def __init__(self):
        self.to_ping, self.to_pong = asyncio.Queue(maxsize=1), asyncio.Queue(maxsize=1)
        self.ping = self.pong = None  # its two tasks, made before play starts


async def play_ping(court, rounds, pair, probe, players):
    seen = 0
    await court.to_pong.put(first_serve(pair))  # slot free: no suspension
    counter = await court.to_ping.get()  # -> loop; back with pong's reply
    await asyncio.sleep(0)  # -> loop, other players; back once every pair has started
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            await coroutines.snapshot(probe, players)  # -> loop, probe
        await court.to_pong.put(counter + 1)  # slot free: no suspension
        counter = await court.to_ping.get()  # -> loop; back with pong's reply
    return counter, (seen * 31 + counter) & MASK


async def play_pong(court, rounds):
    seen = 0
    counter = await court.to_pong.get()  # -> loop; back with ping's first serve
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        await court.to_ping.put(counter + 1)  # slot free: no suspension
        counter = await court.to_pong.get()  # -> loop; back with ping's next serve
    await court.to_ping.put(counter + 1)  # the last reply; slot free: no suspension
    return (seen * 31 + counter) & MASK


async def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = asyncio.create_task(play_pong(court, rounds), name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        probing = probe if pair == 0 else None
        playing = play_ping(court, rounds, pair, probing, players)
        court.ping = asyncio.create_task(playing, name=f"ping-{pair}")
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = await court.ping  # -> loop, players; back when this ping ends
        pong_seen = await court.pong  # -> loop, pong if still ending; back with its checksum
        games.append(game(pair, last_reply, ping_seen, pong_seen))
    return games


def run(params, probe):
    return coroutines.run(play_all(params["rounds"], params["pairs"], probe))
