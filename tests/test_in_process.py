"""tests/in_process.py: a run in this process is checked as a worker checks it, and puts back what it changed."""

import sys

import pytest

from fiberlab import worker
from scenarios import deep_chain
from scenarios.common import digest
from tests import in_process


def test_a_run_that_leaves_a_task_pending_fails_and_the_next_run_is_not_blamed_for_it(monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models")
    in_process.run("generator", "asyncio", {"items": 5})  # an asyncio run that ends clean: no names pending before
    with pytest.raises(worker.Leaked, match="1 asyncio task still pending"):
        in_process.run("generator", "fake-leak-asyncio", {"items": 5})
    assert in_process.run("generator", "greenlet", {"items": 5}).result  # the pending name is still there, not new


def test_the_recursion_limit_a_deep_run_needs_is_put_back():
    before = sys.getrecursionlimit()
    params = {"depth": 3_000, "suspensions": 2, "tasks": 1, "via": "python"}
    assert deep_chain.recursion_limit(params) > before
    run = in_process.run("deep_chain", "greenlet", params)
    assert digest(run.result) == digest(deep_chain.reference(params)) and len(run.units) == 1
    assert sys.getrecursionlimit() == before
