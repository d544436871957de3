"""coroutines.runner: the asyncio models' runner fails fast and leaves nothing behind."""

import asyncio
import time

import pytest

import coroutines
from coroutines import runner


def test_a_task_that_dies_while_main_waits_on_it_ends_the_run_with_its_error():
    async def partner():
        raise ValueError("partner died")

    async def main():
        replies = asyncio.Queue()
        asyncio.create_task(partner())
        return await replies.get()  # nobody will ever put: without fail-fast, a hang

    started = time.monotonic()
    with pytest.raises(ValueError, match="partner died"):
        coroutines.run(main())
    assert time.monotonic() - started < 5


def test_main_returns_its_result_when_every_task_succeeds():
    async def child(value):
        await asyncio.sleep(0)
        return value * 2

    async def main():
        return await asyncio.gather(child(1), child(2))

    assert coroutines.run(main()) == [2, 4]


def test_tasks_left_pending_are_named_for_the_hygiene_check():
    async def main():
        asyncio.create_task(asyncio.Event().wait(), name="forgotten")
        await asyncio.sleep(0)

    coroutines.run(main())
    assert [(left.noun, left.state, left.units) for left in runner.RUNTIME.leftovers()] == [
        ("asyncio task", "still pending", ["forgotten"])]
