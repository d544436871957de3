"""A model that cannot express a run (status "unsupported") does not fail it, but some model must run."""

import pytest

from fiberlab import pipeline, table
from fiberlab.pipeline import run_worker
from fiberlab.result import ModelEntry, Result
from scenarios import deep_chain
from tests import in_process


def through_c(**overrides):
    return in_process.params(deep_chain, deep_chain.SMALL, via="c", **overrides)


def test_the_worker_reports_unsupported_as_a_status_of_its_own():
    outcome = run_worker({"scenario": "deep_chain", "model": "asyncio", "params": through_c(), "pass": "time"},
                         timeout=60)
    assert (outcome.status, outcome.error) == ("unsupported", "RuntimeError: This event loop is already running")


@pytest.mark.parametrize("statuses,matched", [
    (("ok", "unsupported"), True),
    (("ok", "ok"), True),
    (("unsupported", "unsupported"), False),  # nothing ran: nothing matched
    (("ok", "mismatch"), False),
    (("unsupported", "error"), False),
])
def test_unsupported_does_not_fail_a_run_but_something_must_run(statuses, matched):
    assert pipeline.matched({str(index): ModelEntry(status=status) for index, status in enumerate(statuses)}) is matched


def test_cli_exits_0_with_unsupported_models_and_names_them(harness):
    done = harness("run", "deep_chain", "--models", "greenlet,coroutines", "--repeat", "1",
                   "--param", "via=c", "--param", "depth=20", "--param", "suspensions=4")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "coroutines: unsupported: RuntimeError: coroutines.bare.run() is already running" in done.stdout
    assert "unsupported, not a failure: coroutines" in done.stdout


def test_report_says_when_no_model_could_run():
    result = Result(scenario="deep_chain", params={}, match=False,
                    models={"asyncio": pipeline.failed("unsupported", "RuntimeError: x", 1)})
    assert table.render(result).splitlines()[-1] == "no model could run this: every one is unsupported (asyncio)"
