"""The until-failure sweep (claim 10): each model steps up until its first failure, within a time budget."""

from fiberlab.lab import standard_sweeps
from fiberlab.result import LabPoint, ModelEntry, Result

LIMIT = next(sweep for sweep in standard_sweeps.SWEEPS if sweep.name == "deep_chain_limit")


def fake_point(fails_above, ran):
    def run_point(sweep, spec, value, models, repeat, tiny, bar):
        ran.append((value, list(models)))
        statuses = {model: "ok" if value <= fails_above[model] else "crashed" for model in models}
        models = {model: ModelEntry(status=status) for model, status in statuses.items()}
        return LabPoint(value=value, result=Result(scenario=sweep.scenario, params={}, models=models))
    return run_point


def test_a_model_is_not_run_again_after_it_failed_and_the_sweep_ends_when_all_have(monkeypatch):
    ran = []
    monkeypatch.setattr(standard_sweeps, "run_point", fake_point({"asyncio": 20_000, "greenlet": 30_000}, ran))
    points, stopped = standard_sweeps.run_until_failure(LIMIT, None, (10_000, 20_000, 30_000, 50_000, 100_000),
                                                   ["greenlet", "asyncio"], 1, False, None)
    assert ran == [(10_000, ["greenlet", "asyncio"]), (20_000, ["greenlet", "asyncio"]),
                   (30_000, ["greenlet", "asyncio"]), (50_000, ["greenlet"])]
    assert stopped is None and [point.value for point in points] == [10_000, 20_000, 30_000, 50_000]


def test_the_sweep_stops_stepping_once_its_time_budget_is_spent_and_says_where(monkeypatch):
    ran = []
    monkeypatch.setattr(standard_sweeps, "run_point", fake_point({"greenlet": 10**9}, ran))
    monkeypatch.setattr(standard_sweeps, "UNTIL_FAILURE_BUDGET_S", -1)
    points, stopped = standard_sweeps.run_until_failure(LIMIT, None, (1_000, 2_000), ["greenlet"], 1, False, None)
    assert points == [] and stopped.startswith("stopped before depth=1,000: time budget")
