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


@pytest.mark.parametrize("lateness,verdict", [((0.030, 0.040), "confirmed"), ((0.030, 0.001), "partly"),
                                              ((0.001, 0.001), "refuted")])
def test_fairness_claim_follows_the_worst_lateness_against_the_slice(lateness, verdict):
    results = {"fairness_slice": sweep([(50.0, {"greenlet": late(lateness[0]), "asyncio": late(lateness[1])})])}
    assert lab_questions.verdicts(results, 9)[2].verdict == verdict
