"""The report's verdicts on the three questions (depth through C, cancellation, fairness) follow the data."""

import pytest

from fiberlab.lab import questions as lab_questions


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
    results = {"deep_chain_via_c": sweep([(1, {"greenlet": resume(400)}), (1_000, {"greenlet": resume(c_cost, 5e5)})]),
               "deep_chain_depth": sweep([(1, {"greenlet": resume(400)}), (1_000, {"greenlet": resume(python_cost)})])}
    assert lab_questions.verdicts(results, 9)[0].verdict == verdict


def test_cancel_claim_is_partly_when_a_model_missed_a_finally():
    ok, bad = {"status": "ok"}, {"status": "mismatch"}
    assert lab_questions.verdicts({"cancel_depth": sweep([(5, {"a": ok, "b": ok})])}, 9)[1].verdict == "confirmed"
    assert lab_questions.verdicts({"cancel_depth": sweep([(5, {"a": ok, "b": bad})])}, 9)[1].verdict == "partly"
    assert lab_questions.verdicts({}, 9)[1].verdict == "undecided"


def test_the_cost_per_cancelled_level_is_the_slope_across_depths_with_the_fixed_cost_apart():
    noise = {1: 400, 10: -300, 50: 200, 200: -100}  # ns, around 9 µs fixed plus 350 ns a level
    points = [(depth, {"greenlet": {"status": "ok", "records": {"cancel_to_end_s": {
        "mean": (9_000 + 350 * depth + noise[depth]) / 1e9}}}}) for depth in noise]
    fit = lab_questions.unwinding(sweep(points), "greenlet")
    assert fit["slope_ci95"][0] < 350 < fit["slope_ci95"][1] and fit["slope"] == pytest.approx(350, abs=10)
    assert fit["intercept_ci95"][0] < 9_000 < fit["intercept_ci95"][1]
    # one run's mean over its depth would say 9,750 ns a level at depth 1, 395 at depth 200
    assert lab_questions.unwinding_words(fit).startswith(f"{fit['slope']:,.0f} ns per level [")
    assert lab_questions.unwinding(sweep(points[:1]), "greenlet") is None  # one depth: no slope


@pytest.mark.parametrize("lateness,verdict", [((0.030, 0.040), "confirmed"), ((0.030, 0.001), "partly"),
                                              ((0.001, 0.001), "refuted")])
def test_fairness_claim_follows_the_worst_lateness_against_the_slice(lateness, verdict):
    results = {"fairness_slice": sweep([(50.0, {"greenlet": late(lateness[0]), "asyncio": late(lateness[1])})])}
    assert lab_questions.verdicts(results, 9)[2].verdict == verdict
