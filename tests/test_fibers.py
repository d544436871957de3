"""The fibers/ scheduler: order, timers, readiness, joins, handoffs."""

import socket
import time

import pytest

import fibers


def test_ready_fibers_run_in_the_order_they_were_spawned():
    order = []

    def main():
        workers = [fibers.spawn(order.append, name) for name in "abc"]
        for worker in workers:
            fibers.join(worker)

    fibers.run(main)
    assert order == ["a", "b", "c"]


def test_yield_lets_every_ready_fiber_run_once_before_continuing():
    order = []

    def worker(name):
        for step in range(2):
            order.append((name, step))
            fibers.yield_()

    def main():
        for worker_fiber in [fibers.spawn(worker, "a"), fibers.spawn(worker, "b")]:
            fibers.join(worker_fiber)

    fibers.run(main)
    assert order == [("a", 0), ("b", 0), ("a", 1), ("b", 1)]


def test_timers_wake_sleepers_in_deadline_order_not_sleep_order():
    woke = []

    def sleeper(name, seconds):
        fibers.sleep(seconds)
        woke.append(name)

    def main():
        sleepers = [fibers.spawn(sleeper, "slow", 0.03), fibers.spawn(sleeper, "fast", 0.01)]
        for fiber in sleepers:
            fibers.join(fiber)

    started = time.monotonic()
    fibers.run(main)
    assert woke == ["fast", "slow"]
    assert time.monotonic() - started >= 0.03


def test_a_fiber_waiting_for_a_readable_socket_wakes_when_data_arrives():
    left, right = socket.socketpair()
    left.setblocking(False)
    events = []

    def reader():
        fibers.wait_readable(left)
        events.append(("read", left.recv(16)))

    def writer():
        events.append(("write",))
        right.send(b"ping")

    def main():
        read_fiber = fibers.spawn(reader)
        fibers.join(fibers.spawn(writer))
        fibers.join(read_fiber)

    try:
        fibers.run(main)
    finally:
        left.close()
        right.close()
    assert events == [("write",), ("read", b"ping")]


def test_a_fiber_waiting_for_a_writable_socket_wakes_at_once_when_buffer_has_room():
    left, right = socket.socketpair()
    events = []

    def main():
        started = time.perf_counter()
        fibers.wait_writable(left)  # an empty send buffer: writable now
        events.append(("woke", time.perf_counter() - started))
        return "done"

    try:
        assert fibers.run(main) == "done"
    finally:
        left.close()
        right.close()
    assert [event for event, _waited in events] == ["woke"]
    assert events[0][1] < 1.0  # at once, not after some timeout (a second is generous on a busy machine)


def test_join_reraises_the_exception_that_ended_the_fiber():
    def broken():
        raise ValueError("boom")

    def main():
        with pytest.raises(ValueError, match="boom"):
            fibers.join(fibers.spawn(broken))
        return "survived"

    assert fibers.run(main) == "survived"


def test_an_unjoined_failure_is_not_lost():
    def broken():
        raise KeyError("lost?")

    def main():
        fibers.spawn(broken)
        fibers.yield_()

    with pytest.raises(KeyError):
        fibers.run(main)


def test_switch_to_hands_a_value_straight_to_a_parked_fiber():
    def doubler(caller):
        value = fibers.park()
        while value is not None:
            value = fibers.switch_to(caller, value * 2)

    def main():
        partner = fibers.spawn(doubler, fibers.current())
        fibers.yield_()  # let the partner start and park
        answers = [fibers.switch_to(partner, value) for value in (1, 2, 3)]
        fibers.ready(partner, None)
        fibers.join(partner)
        return answers

    assert fibers.run(main) == [2, 4, 6]


def test_thousands_of_fibers_start_without_hitting_the_recursion_limit():
    def main():
        workers = [fibers.spawn(fibers.yield_) for _ in range(5_000)]
        for worker in workers:
            fibers.join(worker)
        return len(workers)

    assert fibers.run(main) == 5_000


def test_a_main_fiber_waiting_on_nothing_is_reported_as_a_deadlock():
    with pytest.raises(RuntimeError, match="deadlock"):
        fibers.run(fibers.park)


def test_fibers_left_suspended_are_visible_after_run():
    def main():
        fibers.spawn(fibers.park, name="forgotten")
        fibers.yield_()

    fibers.run(main)
    [left] = fibers.RUNTIME.leftovers()
    assert (left.state, [fiber.name for fiber in left.units]) == ("still suspended", ["forgotten"])


def test_a_deadlock_caused_by_a_dead_fiber_raises_that_fibers_error():
    def partner():
        raise ValueError("partner died")

    def main():
        fibers.spawn(partner)
        fibers.park()  # the partner was to resume us; it died instead

    with pytest.raises(ValueError, match="partner died"):
        fibers.run(main)
