"""The garbage collector is part of the cost: its time is recorded per run, and --gc off shows the difference."""

import gc

import pytest

from fiberlab.gc_clock import GcClock
from fiberlab.pipeline import run_worker


def test_the_gc_clock_sums_the_time_of_collections_and_only_while_it_runs():
    with GcClock() as clock:
        for _ in range(3):
            cycle = []
            cycle.append(cycle)
            gc.collect()
    assert clock.collections >= 3 and clock.total_s > 0
    seen = clock.collections
    gc.collect()
    assert clock.collections == seen  # the callback is gone once the clock has stopped


def test_gc_off_disables_collections_in_the_worker_and_on_counts_them():
    job = {"scenario": "spawn", "model": "asyncio", "params": {"leaves": 10_000}, "pass": "check"}
    on, off = run_worker(dict(job, gc="on"), timeout=60), run_worker(dict(job, gc="off"), timeout=60)
    assert on.status == off.status == "ok"
    assert on.gc_collections > 0 and on.gc_s > 0
    assert off.gc_collections == 0 and off.gc_s == 0


def test_run_records_the_gc_mode_and_time_and_the_table_shows_gc_share(harness_json):
    proc, result = harness_json("run", "generator", "--param", "items=200", "--repeat", "1", "--models", "greenlet",
                                "--gc", "off", "--wide")
    assert proc.returncode == 0, proc.stderr
    assert result["gc"] == "off"
    assert result["models"]["greenlet"]["gc_s"] == 0 and result["models"]["greenlet"]["gc_share"] == 0
    assert "gc share" in proc.stdout and "gc off" in proc.stdout


def test_sweep_takes_gc_off_and_records_it(harness_json):
    proc, sweep = harness_json("sweep", "generator", "--param", "items=20,40", "--repeat", "1", "--models", "asyncio",
                               "--gc", "off")
    assert proc.returncode == 0, proc.stderr
    assert sweep["gc"] == "off" and all(point["gc"] == "off" for point in sweep["points"])


@pytest.mark.parametrize("verb", [["run", "generator"], ["sweep", "generator", "--param", "items=1,2"]])
def test_a_bad_gc_mode_is_refused_in_one_line(verb, harness):
    proc = harness(*verb, "--gc", "sometimes")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "--gc" in proc.stderr
