"""The threads model fails fast, as the others do: a thread that dies ends the run at once."""

import queue
import threading
import time

import pytest

import os_threads


def fail_soon():
    time.sleep(0.05)
    raise ValueError("this thread failed")


def test_a_thread_that_dies_ends_the_run_while_its_partner_waits_on_a_queue():
    never = queue.Queue()

    def main():
        # Waits for a message that never comes; the 10 s cap only keeps a regression from hanging the suite.
        partner = os_threads.spawn(os_threads.block, never.get, True, 10, name="partner")
        os_threads.spawn(fail_soon, name="failer")
        return os_threads.join(partner)  # -> kernel; would wait for ever

    started = time.monotonic()
    with pytest.raises(ValueError, match="this thread failed"):
        os_threads.run(main)
    assert time.monotonic() - started < 5
    never.put(None)  # let the partner end, so the test leaves no thread behind


def test_a_thread_that_dies_ends_the_run_while_the_main_thread_waits_on_a_queue():
    channel = queue.Queue(maxsize=1)

    def main():
        os_threads.spawn(fail_soon, name="producer")
        return os_threads.block(channel.get, True, 10)  # -> kernel; the producer dies before it puts anything

    started = time.monotonic()
    with pytest.raises(ValueError, match="this thread failed"):
        os_threads.run(main)
    assert time.monotonic() - started < 5


def test_a_run_whose_threads_all_succeed_returns_their_results():
    def main():
        units = [os_threads.spawn(lambda n=n: n * n, name=f"unit-{n}") for n in range(4)]
        return [os_threads.join(unit) for unit in units]

    assert os_threads.run(main) == [0, 1, 4, 9]
    assert threading.active_count() >= 1
