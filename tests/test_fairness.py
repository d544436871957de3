"""fairness: a task that does not yield holds up the others on a cooperative model, not on threads."""

import sys

import pytest

import fibers
from fiberlab.models import MODELS
from scenarios import fairness
from scenarios.common import digest
from tests import in_process

MODEL_IDS = [model.id for model in MODELS.values() if not model.native and model.has_file("fairness")]
COOPERATIVE = [model_id for model_id in MODEL_IDS if MODELS[model_id].scheduler != "kernel scheduler"]


def small(**overrides):
    return in_process.params(fairness, fairness.SMALL, **overrides)


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_fairness_output_is_deterministic_and_runs_again_in_the_same_process(model_id):
    params = small()
    for _ in range(2):
        run = in_process.run("fairness", model_id, params)
        assert digest(run.result) == digest(fairness.reference(params))
        assert run.probe.records["lateness_s"]["count"] == params["tickers"] * params["ticks"]


@pytest.mark.parametrize("model_id", COOPERATIVE)
def test_no_ticker_runs_while_a_cooperative_hog_is_mid_slice(model_id):
    run = in_process.run("fairness", model_id, small(slice_ms=3.0))
    assert run.probe.records["wakeups_inside_slices"] == 0
    assert "switch_interval_s" not in run.probe.records


def test_threads_record_the_switch_interval_that_preempts_the_hog():
    run = in_process.run("fairness", "threads", small())
    assert run.probe.records["switch_interval_s"] == sys.getswitchinterval()


def test_a_fiber_that_keeps_yielding_does_not_starve_a_sleeper():
    woke = []

    def sleeper():
        fibers.sleep(0.001)  # -> the yielder; back at the deadline, at one of its yields
        woke.append(True)

    def yielder():
        sleeper_fiber = fibers.spawn(sleeper)
        for _ in range(1_000_000):
            if woke:
                break
            fibers.yield_()
        fibers.join(sleeper_fiber)
        return bool(woke)

    assert fibers.run(yielder) is True


# 0.3 ms: uvloop rounds it to no wait at all; 1.4 ms: to 1 ms on a clock of whole milliseconds
@pytest.mark.parametrize("period_ms", (0.3, 1.4))
@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_no_wake_up_comes_before_the_time_its_runtime_promised(model_id, period_ms):
    run = in_process.run("fairness", model_id, small(period_ms=period_ms, slice_ms=0.01))
    assert run.probe.records["lateness_s"]["min"] >= 0
