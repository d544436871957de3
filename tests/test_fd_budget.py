"""The fd budget: split chosen when one process cannot hold a run, refusal when nothing fits;
and the table's block of recorded latencies with memory per connection."""

from dataclasses import replace

import pytest

import scenarios
from fiberlab import fd_budget, pipeline, table
from fiberlab.result import SCHEMA_VERSION, Result
from scenarios.spec import resolve

CONNECTIONS = scenarios.load("connections")


def connections_params(**overrides):
    return dict(resolve(CONNECTIONS, "connections", []), **overrides)


@pytest.fixture
def limit_20000(monkeypatch):
    monkeypatch.setattr(fd_budget, "fd_limit", lambda: 20_000)


def test_a_run_that_fits_is_left_as_it_is(limit_20000):
    params = connections_params(connections=9_000)
    assert fd_budget.fit(CONNECTIONS, params, split_given=False) == (params, None)


def test_split_is_chosen_and_said_when_one_process_cannot_hold_the_run(limit_20000):
    params, note = fd_budget.fit(CONNECTIONS, connections_params(connections=10_000), split_given=False)
    assert params["split"] is True
    assert "split=true chosen" in note and "\n" not in note


def test_split_false_given_explicitly_is_refused_with_a_hint_not_overridden(limit_20000):
    with pytest.raises(fd_budget.DoesNotFit, match="split=true would put"):
        fd_budget.fit(CONNECTIONS, connections_params(connections=10_000), split_given=True)


def test_a_run_too_big_even_split_is_refused():
    spec = replace(CONNECTIONS, fds_needed=lambda params: 10**9)
    with pytest.raises(fd_budget.DoesNotFit, match="open-file limit"):
        fd_budget.fit(spec, {"split": False}, split_given=False)


def test_a_spec_without_the_hook_always_fits():
    assert fd_budget.fit(replace(CONNECTIONS, fds_needed=None), {"n": 10**9}, split_given=False) == ({"n": 10**9}, None)


def test_memory_slope_runs_stay_unsplit_and_within_the_budget_when_the_run_is_split():
    points = pipeline.slope_params(CONNECTIONS, connections_params(connections=10_000, split=True))
    assert [point["connections"] for point in points] == list(pipeline.SLOPE_COUNTS)
    assert all(point["split"] is False and fd_budget.fits(CONNECTIONS, point) for point in points)


def test_the_cli_refuses_10000_unsplit_connections_in_one_line_before_running(harness, limit_20000):
    done = harness("run", "connections", "--param", "connections=10000", "--param", "split=false")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "file descriptors" in done.stderr and "limit is 20,000" in done.stderr


def test_the_table_shows_memory_per_connection_and_p99_latency_per_model():
    latency = {"count": 10, "p50": 0.002, "p90": 0.003, "p99": 0.004, "max": 0.005}
    entry = {"status": "ok", "error": None, "ops": 1_000, "wall_s": {"mean": 0.5, "median": 0.5, "min": 0.5, "max": 0.5},
             "ns_per_op": 500_000, "memory": {"peak_rss_bytes": 1 << 20, "bytes_per_task": 5_120.0},
             "stack": {"frames_per_task": 2.0, "c_stack_bytes_per_task": 100, "frame_bytes_per_task": None},
             "records": {"latency_s": latency, "connect_s": 0.25, "connects_per_s": 4_000.0}}
    result = Result.from_json({"schema": SCHEMA_VERSION, "scenario": "connections", "params": {"connections": 100},
                               "match": True, "environment": {}, "task_count": ["connections", 2],
                               "models": {"greenlet": entry}})
    text = table.render(result, wide=True)
    assert "memory per connection" in text and "latency_s p99" in text
    row = next(line for line in text.splitlines() if line.startswith("greenlet") and "10.0 KiB" in line)
    assert "4.0 ms" in row and "2,000" in row and "4,000/s" in row and "250.0 ms" in row


def test_the_table_adds_no_block_for_a_scenario_without_recorded_distributions():
    assert table.records_table(Result(scenario="connections", params={})) is None
