"""deep_chain via=c, cancel and fairness: the three questions of issue 17, at small sizes.

The models run in this process where a claim is about one model's behaviour
(gevent is not monkey-patched, so it and asyncio do not disturb each other);
the harness's decisions (unsupported, mismatch, exit status) run in workers.
"""

import importlib
import sys
from pathlib import Path

import pytest

import fibers
from fiberlab import pipeline, table
from fiberlab.models import MODELS
from fiberlab.pipeline import run_worker
from fiberlab.result import ModelEntry, Result
from fiberlab.probe import Probe
from scenarios import cancel, deep_chain, fairness
from scenarios.common import digest
from scenarios.spec import ParamError, Unsupported
from tests.conftest import REPO

FILES = ("greenlet_fibers", "gevent_hub", "asyncio_tasks", "coroutines_bare", "threads")
COOPERATIVE = ("greenlet_fibers", "gevent_hub", "asyncio_tasks", "coroutines_bare")
ENGINES = {name: MODELS[model] for name, model in zip(FILES, ("greenlet", "gevent", "asyncio", "coroutines", "threads"))}


def probe_for(model_file):
    return Probe(ENGINES[model_file].load_runtime().describe, read_memory=False)


def small(spec, **overrides):
    return {param.name: param.default for param in spec.PARAMS} | spec.SMALL | overrides


def run_in_process(scenario, model_file, params):
    module = importlib.import_module(f"scenarios.{scenario}.{model_file}")
    probe = probe_for(model_file)
    return module.run(params, probe), probe


# -- deep_chain via=c -----------------------------------------------------------


def test_via_accepts_python_or_c_and_refuses_anything_else():
    via = {param.name: param for param in deep_chain.PARAMS}["via"]
    assert via.parse("c") == "c" and via.parse("python") == "python"
    with pytest.raises(ParamError, match=r"via must be one of python\|c, got 'd'"):
        via.parse("d")


@pytest.mark.parametrize("model_file", ("greenlet_fibers", "gevent_hub", "threads"))
def test_stackful_models_suspend_through_c_frames_and_match(model_file):
    params = small(deep_chain, depth=30, via="c")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, deep_chain.recursion_limit(params)))
    try:
        result, _probe = run_in_process("deep_chain", model_file, params)
    finally:
        sys.setrecursionlimit(old)
    assert digest(result) == digest(deep_chain.reference(params))


def test_greenlet_copies_the_c_frames_it_suspends_through():
    saved = {}
    for via in ("python", "c"):
        params = small(deep_chain, depth=200, tasks=1, via=via)
        sys.setrecursionlimit(max(sys.getrecursionlimit(), deep_chain.recursion_limit(params)))
        _result, probe = run_in_process("deep_chain", "greenlet_fibers", params)
        saved[via] = probe.stack["c_stack_bytes_per_task"]
    assert saved["c"] > 20 * 1024 > saved["python"]  # ~100 B per level through map(); Python calls copy none


@pytest.mark.parametrize("model_file,error", [
    ("asyncio_tasks", "RuntimeError: This event loop is already running"),
    ("coroutines_bare", "RuntimeError: coroutines.bare.run() is already running"),
])
def test_stackless_models_cannot_suspend_through_c_and_say_why(model_file, error):
    with pytest.raises(Unsupported) as raised:
        run_in_process("deep_chain", model_file, small(deep_chain, via="c"))
    assert str(raised.value) == error


def test_the_worker_reports_unsupported_as_a_status_of_its_own():
    outcome = run_worker({"scenario": "deep_chain", "model": "asyncio", "params": small(deep_chain, via="c"),
                          "pass": "time"}, timeout=60)
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


# -- cancel ---------------------------------------------------------------------


@pytest.mark.parametrize("model_file", FILES)
def test_cancel_runs_every_finally_in_order_and_runs_again_in_the_same_process(model_file):
    params = small(cancel)
    for _ in range(2):  # the timing lane re-runs a scenario in one process after a warm-up
        result, probe = run_in_process("cancel", model_file, params)
        assert digest(result) == digest(cancel.reference(params))
        assert probe.records["cancel_to_end_s"]["count"] == params["tasks"] // 2
        assert probe.records["timeout_to_end_s"]["count"] == params["tasks"] // 2
        assert probe.records["cancel_ns_per_level"] > 0


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


# -- fairness -------------------------------------------------------------------


@pytest.mark.parametrize("model_file", FILES)
def test_fairness_output_is_deterministic_and_runs_again_in_the_same_process(model_file):
    params = small(fairness)
    for _ in range(2):
        result, probe = run_in_process("fairness", model_file, params)
        assert digest(result) == digest(fairness.reference(params))
        assert probe.records["lateness_s"]["count"] == params["tickers"] * params["ticks"]


@pytest.mark.parametrize("model_file", COOPERATIVE)
def test_no_ticker_runs_while_a_cooperative_hog_is_mid_slice(model_file):
    _result, probe = run_in_process("fairness", model_file, small(fairness, slice_ms=3.0))
    assert probe.records["wakeups_inside_slices"] == 0
    assert "switch_interval_s" not in probe.records


def test_threads_record_the_switch_interval_that_preempts_the_hog():
    _result, probe = run_in_process("fairness", "threads", small(fairness))
    assert probe.records["switch_interval_s"] == sys.getswitchinterval()


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


# -- the files themselves -------------------------------------------------------


@pytest.mark.parametrize("scenario", ("cancel", "fairness"))
@pytest.mark.parametrize("model_file", FILES)
def test_model_files_fit_on_a_screen_and_name_their_mechanism(scenario, model_file):
    path = Path(REPO, "scenarios", scenario, f"{model_file}.py")
    assert len(path.read_text().splitlines()) <= 80
    assert importlib.import_module(f"scenarios.{scenario}.{model_file}").MECHANISM


# -- the report's verdicts on the three questions ------------------------------


def sweep(points):
    """A sweep's JSON from [(value, {model: entry})]."""
    return {"points": [{"value": value, "result": {"match": all(e["status"] == "ok" for e in entries.values()),
                                                  "models": entries}} for value, entries in points]}


def resume(ns, c_stack=0):
    return {"status": "ok", "ns_per_op": ns, "stack": {"c_stack_bytes_per_task": c_stack}}


def late(max_s):
    return {"status": "ok", "records": {"lateness_s": {"max": max_s, "p99": max_s}}}


@pytest.mark.parametrize("c_cost,python_cost,verdict", [
    (400, 400, "confirmed"),  # flat either way
    (25_000, 450, "partly"),  # grows only through C frames
    (25_000, 20_000, "refuted"),
])
def test_depth_claim_follows_the_resume_costs(c_cost, python_cost, verdict):
    from fiberlab.lab import questions as lab_questions

    results = {"deep_chain_via_c": sweep([(1, {"greenlet": resume(400)}), (1_000, {"greenlet": resume(c_cost, 5e5)})]),
               "deep_chain_depth": sweep([(1, {"greenlet": resume(400)}), (1_000, {"greenlet": resume(python_cost)})])}
    assert lab_questions.verdicts(results, 9)[0].verdict == verdict


def test_cancel_claim_is_partly_when_a_model_missed_a_finally():
    from fiberlab.lab import questions as lab_questions

    ok, bad = {"status": "ok"}, {"status": "mismatch"}
    assert lab_questions.verdicts({"cancel_depth": sweep([(5, {"a": ok, "b": ok})])}, 9)[1].verdict == "confirmed"
    assert lab_questions.verdicts({"cancel_depth": sweep([(5, {"a": ok, "b": bad})])}, 9)[1].verdict == "partly"
    assert lab_questions.verdicts({}, 9)[1].verdict == "undecided"


@pytest.mark.parametrize("lateness,verdict", [((0.030, 0.040), "confirmed"), ((0.030, 0.001), "partly"),
                                              ((0.001, 0.001), "refuted")])
def test_fairness_claim_follows_the_worst_lateness_against_the_slice(lateness, verdict):
    from fiberlab.lab import questions as lab_questions

    results = {"fairness_slice": sweep([(50.0, {"greenlet": late(lateness[0]), "asyncio": late(lateness[1])})])}
    assert lab_questions.verdicts(results, 9)[2].verdict == verdict
