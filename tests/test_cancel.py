"""cancel: cancellation and timeouts through deep chains run every finally, bottom first, on every model."""

import pytest

from fiberlab.models import MODELS
from scenarios import cancel
from scenarios.common import digest
from tests import in_process

MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("cancel")]


def small(**overrides):
    return in_process.params(cancel, cancel.SMALL, **overrides)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_cancel_runs_every_finally_in_order_and_runs_again_in_the_same_process(model_id):
    params = small()
    for _ in range(2):  # the timing lane re-runs a scenario in one process after a warm-up
        run = in_process.run("cancel", model_id, params)
        assert digest(run.result) == digest(cancel.reference(params))
        assert run.probe.records["cancel_to_end_s"]["count"] == params["tasks"] // 2
        assert run.probe.records["timeout_to_end_s"]["count"] == params["tasks"] // 2
        assert run.probe.records["cancel_to_end_s"]["mean"] > 0


def test_cancel_reference_says_the_bottom_cleans_up_first():
    one, other = cancel.reference({"tasks": 2, "depth": 3, "timeout_ms": 1.0})
    assert (one["ended"], other["ended"]) == (cancel.CANCELLED, cancel.TIMED_OUT)
    reordered = cancel.Tally()
    for level in (1, 2, 3):
        reordered.add(level)
    assert one["cleanup"]["count"] == 3 and one["cleanup"] != reordered.as_dict()


def test_a_model_that_skips_a_finally_is_caught_as_a_mismatch(harness, monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models_cancel")
    done = harness("run", "cancel", "--models", "greenlet,fake-skip-finally",
                   "--repeat", "1", "--param", "tasks=4", "--param", "depth=5", "--param", "timeout_ms=1")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "fake-skip-finally: mismatch: check: result differs from the reference" in done.stdout
    assert "NOT every model matched the reference: fake-skip-finally did not" in done.stdout


# 1.4 ms: uvloop rounds the delay to 1 ms, so its timer falls before asyncio.Timeout.when();
# 0.4 ms: uvloop rounds it to 0 and runs the timeout at once (call_soon: a Handle with no when())
@pytest.mark.parametrize("timeout_ms", (2.0, 1.4, 0.4))
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_no_timeout_ends_a_chain_before_the_deadline_it_was_armed_with(model_id, timeout_ms):
    run = in_process.run("cancel", model_id, small(tasks=40, timeout_ms=timeout_ms))
    assert run.probe.records["timeout_to_end_s"]["min"] >= 0
