"""coroutines.bare: the stackless twin of the fiber scheduler keeps the same promises."""

import socket
import time

import pytest

from coroutines import bare
from coroutines.introspect import describe


def test_join_returns_results_in_spawn_order_and_the_run_queue_is_fifo():
    order = []

    async def worker(index):
        order.append(index)
        await bare.yield_()  # -> the others; back after they have run once
        order.append(index + 10)
        return index * 2

    async def main():
        tasks = [bare.spawn(worker, index) for index in range(3)]
        return [await bare.join(task) for task in tasks]

    assert bare.run(main) == [0, 2, 4]
    assert order == [0, 1, 2, 10, 11, 12]


def test_switch_to_hands_a_value_straight_to_the_peer():
    async def echo(value):
        while True:
            value = await bare.switch_to(main_task, value * 10)

    async def main():
        global main_task
        main_task = bare.current()
        peer = bare.create(echo, name="echo")
        first = await bare.switch_to(peer, 1)
        second = await bare.switch_to(peer, 2)
        bare.active().live.discard(peer)  # left suspended on purpose
        return first, second

    assert bare.run(main) == (10, 20)


def test_a_failure_nobody_joined_is_raised_by_run():
    async def broken():
        raise ValueError("boom")

    async def main():
        bare.spawn(broken)
        await bare.yield_()

    with pytest.raises(ValueError, match="boom"):
        bare.run(main)


def test_join_re_raises_the_child_exception():
    async def broken():
        raise KeyError("lost")

    async def main():
        try:
            await bare.join(bare.spawn(broken))
        except KeyError:
            return "caught"

    assert bare.run(main) == "caught"


def test_sleep_wakes_tasks_in_deadline_order():
    woke = []

    async def sleeper(seconds):
        await bare.sleep(seconds)
        woke.append(seconds)

    async def main():
        tasks = [bare.spawn(sleeper, seconds) for seconds in (0.03, 0.01, 0.02)]
        for task in tasks:
            await bare.join(task)

    started = time.monotonic()
    bare.run(main)
    assert woke == [0.01, 0.02, 0.03]
    assert time.monotonic() - started >= 0.03


def test_wait_readable_resumes_when_the_socket_has_data():
    left, right = socket.socketpair()

    async def reader():
        await bare.wait_readable(left)
        return left.recv(10)

    async def main():
        task = bare.spawn(reader)
        await bare.yield_()  # -> reader, which parks on the selector
        right.send(b"ping")
        return await bare.join(task)

    try:
        assert bare.run(main) == b"ping"
    finally:
        left.close()
        right.close()


def test_a_deadlock_is_reported_not_hung():
    async def main():
        await bare.park()

    with pytest.raises(RuntimeError, match="deadlock"):
        bare.run(main)


def test_the_probe_sees_a_suspended_task_as_its_await_chain():
    seen = {}

    class Probe:
        def snapshot(self, tasks):
            seen["described"] = [describe(task) for task in tasks]

    async def waiter():
        await bare.park()

    async def main():
        task = bare.spawn(waiter)
        await bare.yield_()  # -> waiter, which parks
        await bare.snapshot(Probe(), [task])
        bare.ready(task)
        await bare.join(task)

    bare.run(main)
    (picture,) = seen["described"]
    assert picture["frames"] == 2  # waiter's coroutine and the trap's __await__ generator
    assert picture["c_stack_bytes"] is None and picture["frame_bytes"] > 0


def test_a_deadlock_caused_by_a_dead_task_raises_that_tasks_error():
    async def partner():
        raise ValueError("partner died")

    async def main():
        bare.spawn(partner)
        await bare.park()  # the partner was to resume us; it died instead

    with pytest.raises(ValueError, match="partner died"):
        bare.run(main)
