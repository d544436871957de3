"""pingpong on bare coroutines: each hand-over is one trap naming the partner.

Read beside greenlet_fibers.py (the same handoffs, with stacks) and
asyncio_tasks.py. Here a player awaits switch_to(partner, counter): the
coroutine yields to our loop, which sends the counter straight into the
partner's coroutine — no queue, no future, no callback in between.
"""

from coroutines import bare
from scenarios.pingpong import MASK, first_serve, game, snapshot_round

MECHANISM = "direct send"  # how control moves (the table's mechanism column)


class Court:
    """Where one pair plays: the two tasks, filled in before play starts."""

    ping = pong = None


async def play_ping(court, rounds, pair, probe, players):
    pong, seen = court.pong, 0
    counter = await bare.switch_to(pong, first_serve(pair))  # -> pong, which starts, then back
    await bare.yield_()  # -> other players; back once every pair has started
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            await bare.snapshot(probe, players)  # -> probe
        counter = await bare.switch_to(pong, counter + 1)  # -> pong; back with its reply
    return counter, (seen * 31 + counter) & MASK


async def play_pong(court, rounds, counter):
    ping, seen = court.ping, 0
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        counter = await bare.switch_to(ping, counter + 1)  # -> ping; back with its next serve
    bare.ready(ping, counter + 1)  # the last reply: ping resumes once pong has ended
    return (seen * 31 + counter) & MASK


async def play_all(rounds, pairs, probe):
    courts, players = [Court() for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = bare.create(play_pong, court, rounds, name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        probing = probe if pair == 0 else None
        name = f"ping-{pair}"
        court.ping = bare.spawn(play_ping, court, rounds, pair, probing, players, name=name)
        players.append(court.ping)
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = await bare.join(court.ping)  # -> players; back when this ping ends
        pong_seen = await bare.join(court.pong)  # -> pong if still ending; back with its checksum
        games.append(game(pair, last_reply, ping_seen, pong_seen))
    return games


def run(params, probe):
    return bare.run(play_all, params["rounds"], params["pairs"], probe)
