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


def test_a_via_c_chain_beyond_a_named_models_measured_c_stack_is_refused_before_it_runs(harness):
    done = harness("run", "deep_chain", "--param", "via=c", "--param", "depth=20000", "--models", "greenlet,asyncio")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "via=c at depth 20,000 is beyond greenlet's C stack: it ran 15,694 and crashed at 15,887" in done.stderr


@pytest.mark.parametrize("depth, refused", [(15_694, set()), (15_695, {"greenlet", "gevent", "threads"})])
def test_default_models_beyond_their_via_c_limit_are_left_out_with_a_line_and_the_rest_run(depth, refused):
    from fiberlab.selection import select_models

    params = small(depth=depth, tasks=1, via="c")
    models = ["greenlet", "gevent", "threads", "asyncio", "coroutines"]
    choice, = select_models([("deep_chain", deep_chain.SPEC, params)], models, False, None).choices
    assert {item.model_id for item in choice.left_out} == refused
    assert set(choice.kept) == set(models) - refused
    assert all("is beyond" in item.why and item.why.endswith("left out") for item in choice.left_out)


def test_via_python_keeps_its_measured_crashes_rather_than_refusing_them():
    assert deep_chain.refusal("asyncio", small(depth=100_000, via="python")) is None


@pytest.mark.parametrize("model_id", ("greenlet", "gevent", "threads"))
def test_a_stackful_models_sigsegv_through_c_frames_is_explained_as_its_c_stack(model_id):
    from fiberlab.models import MODELS

    line = deep_chain.explain_crash(MODELS[model_id], small(depth=15_000, via="c"), "SIGSEGV")
    assert line.startswith("C stack exhausted at depth 15,000 (each level calls the next through map's C")
    assert line.endswith("it ran 15,694 when measured)")
    assert deep_chain.explain_crash(MODELS[model_id], small(depth=15_000, via="python"), "SIGSEGV") is None
