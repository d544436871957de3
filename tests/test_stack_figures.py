"""Stack figures: the C stack copied is read in a defined state, and a thread's reservation is not a stack held."""

import sys

import pytest

import os_threads
from fiberlab.pipeline import run_worker


@pytest.mark.parametrize("model", ["greenlet", "gevent"])
def test_with_one_pair_ping_and_pong_copied_c_stacks_agree_within_ten_percent(model):
    outcome = run_worker({"scenario": "pingpong", "model": model, "params": {"rounds": 50, "pairs": 1},
                          "pass": "check"}, timeout=60)
    assert outcome.status == "ok", outcome.error
    stack = outcome.stack
    assert stack.c_stack_bytes_min > 0
    assert stack.c_stack_bytes_max <= 1.10 * stack.c_stack_bytes_min, stack


def test_a_thread_reservation_is_not_reported_as_c_stack_held():
    picture = os_threads.kernel.describe(os_threads.kernel.Stopped(None, sys._getframe()))
    assert picture["c_stack_bytes"] is None and picture["c_stack_reserved_bytes"] == os_threads.stack_reserved_bytes()
    assert picture["frame_bytes"] > 0
