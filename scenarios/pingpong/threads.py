"""pingpong on OS threads: each hand-over goes through a one-slot queue.Queue.

Read beside asyncio_tasks.py (the same queues) and greenlet_fibers.py. Here put() fills the
partner's queue (the slot is always free, so it never blocks) and get() waits on the queue's
threading.Condition: every hand-over is a wake-up through the kernel, then a wait for the GIL,
and each player keeps an OS stack of its own while it waits. There is no yield to let every pair
start: the probe waits for each player to block (os_threads).
"""

import queue
import threading

import os_threads
from scenarios.pingpong import MASK, first_serve, game, snapshot_round, threads_needed

MECHANISM = "OS queue"  # how control moves (the table's mechanism column)


class Court:
    """Where one pair plays: a one-slot queue each way, and the Event set once the probe looked."""

    def __init__(self, looked):
        self.to_ping, self.to_pong = queue.Queue(maxsize=1), queue.Queue(maxsize=1)
        self.looked = looked
        self.ping = self.pong = None  # its two threads, made before play starts


def play_ping(court, rounds, pair, probe, players):
    seen = 0
    court.to_pong.put(first_serve(pair))  # slot free: no wait
    counter = os_threads.block(court.to_ping.get)  # -> kernel; back with pong's reply
    snapshot_at = snapshot_round(rounds) if probe else -1
    for round_ in range(1, rounds):
        seen = (seen * 31 + counter) & MASK
        if round_ == snapshot_at:
            os_threads.snapshot(probe, players)  # -> kernel, probe
            court.looked.set()
        court.to_pong.put(counter + 1)  # slot free: no wait
        counter = os_threads.block(court.to_ping.get)  # -> kernel; back with pong's reply
    os_threads.block(court.looked.wait)  # -> kernel; back once the probe looked (at us, not ended)
    return counter, (seen * 31 + counter) & MASK


def play_pong(court, rounds):
    seen = 0
    counter = os_threads.block(court.to_pong.get)  # -> kernel; back with ping's first serve
    for _ in range(rounds - 1):
        seen = (seen * 31 + counter) & MASK
        court.to_ping.put(counter + 1)  # slot free: no wait
        counter = os_threads.block(court.to_pong.get)  # -> kernel; back with ping's next serve
    court.to_ping.put(counter + 1)  # the last reply; slot free: no wait
    os_threads.block(court.looked.wait)  # -> kernel; back once the probe looked (at us, not ended)
    return (seen * 31 + counter) & MASK


def play_all(rounds, pairs, probe):
    looked = threading.Event()  # other pairs' threads may be far quicker than pair 0's ping
    courts, players = [Court(looked) for _ in range(pairs)], []
    for pair, court in enumerate(courts):
        court.pong = os_threads.create(play_pong, court, rounds, name=f"pong-{pair}")
        players.append(court.pong)
    for pair, court in enumerate(courts):
        probing = probe if pair == 0 else None
        name = f"ping-{pair}"
        court.ping = os_threads.create(play_ping, court, rounds, pair, probing, players, name=name)
        players.append(court.ping)
    for player in players:
        player.start()  # only now: ping-0 may reach the probe before the last player is made
    games = []
    for pair, court in enumerate(courts):
        last_reply, ping_seen = os_threads.join(court.ping)  # -> kernel; back when this ping ends
        pong_seen = os_threads.join(court.pong)  # -> kernel; back once pong has ended
        games.append(game(pair, last_reply, ping_seen, pong_seen))
    return games


def run(params, probe):
    os_threads.require_threads(threads_needed(params))
    return os_threads.run(play_all, params["rounds"], params["pairs"], probe)
