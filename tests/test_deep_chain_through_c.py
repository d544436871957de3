"""deep_chain via=c: a chain that suspends through C frames (map() calling back into Python).

Stackful models suspend through them and copy the C stack they hold; stackless
models cannot, and say so as the run's status. The models run in this process
(tests/in_process.py, which puts the recursion limit back after each run).
"""

import pytest

from scenarios import deep_chain
from scenarios.common import digest
from scenarios.spec import ParamError, Unsupported
from tests import in_process


def small(**overrides):
    return in_process.params(deep_chain, deep_chain.SMALL, **overrides)


def test_via_accepts_python_or_c_and_refuses_anything_else():
    via = {param.name: param for param in deep_chain.PARAMS}["via"]
    assert via.parse("c") == "c" and via.parse("python") == "python"
    with pytest.raises(ParamError, match=r"via must be one of python\|c, got 'd'"):
        via.parse("d")


@pytest.mark.parametrize("model_id", ("greenlet", "gevent", "threads"))
def test_stackful_models_suspend_through_c_frames_and_match(model_id):
    params = small(depth=30, via="c")
    assert digest(in_process.run("deep_chain", model_id, params).result) == digest(deep_chain.reference(params))


def test_greenlet_copies_the_c_frames_it_suspends_through():
    saved = {}
    for via in ("python", "c"):
        run = in_process.run("deep_chain", "greenlet", small(depth=200, tasks=1, via=via))
        saved[via] = run.probe.stack["c_stack_bytes_per_task"]
    assert saved["c"] > 20 * 1024 > saved["python"]  # ~100 B per level through map(); Python calls copy none


@pytest.mark.parametrize("model_id,error", [
    ("asyncio", "RuntimeError: This event loop is already running"),
    ("coroutines", "RuntimeError: coroutines.bare.run() is already running"),
])
def test_stackless_models_cannot_suspend_through_c_and_say_why(model_id, error):
    with pytest.raises(Unsupported) as raised:
        in_process.run("deep_chain", model_id, small(via="c"), check_leaks=False)
    assert str(raised.value) == error
